"""A SQLite register is never opened on a network path: the detection, per system, and the refusal.

A test machine cannot mount an SMB share or map a drive letter, so each system's answer is
simulated: GetDriveTypeW's drive types, /proc/self/mountinfo's text, statfs's type name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qaf_docs.errors import RegisterError
from qaf_docs.register import netpath
from qaf_docs.register.location import open_register
from qaf_docs.register.netpath import (
    DRIVE_REMOTE,
    linux_network_reason,
    mac_network_reason,
    network_reason,
    windows_network_reason,
)
from qaf_docs.register.store import Register
from qaf_docs.workspace import init_workspace

DRIVE_FIXED = 3

# -- Windows -------------------------------------------------------------------------------------


def _drives(remote: set[str]) -> tuple[list[str], object]:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE if root in remote else DRIVE_FIXED

    return asked, drive_type


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (r"\\fileserver\qa\audits\qaf_register.db", r"network path (\\fileserver\qa)"),
        ("//fileserver/qa/audits/qaf_register.db", r"network path (\\fileserver\qa)"),
        (r"\\?\UNC\fileserver\qa\qaf_register.db", r"network path (\\fileserver\qa)"),
        (r"\\.\UNC\fileserver\qa\qaf_register.db", r"network path (\\fileserver\qa)"),
        (r"Z:\audits\qaf_register.db", "drive Z: is a network drive"),
        ("z:/audits/qaf_register.db", "drive Z: is a network drive"),
        (r"\\?\Z:\audits\qaf_register.db", "drive Z: is a network drive"),
    ],
)
def test_windows_unc_paths_and_mapped_drives_are_network_paths(path: str, words: str) -> None:
    _, drive_type = _drives({"Z:\\"})
    reason = windows_network_reason(path, drive_type)  # type: ignore[arg-type]
    assert reason is not None and words in reason


@pytest.mark.parametrize(
    "path", [r"D:\qaf\register.db", "d:/qaf/register.db", r"\\?\C:\qaf\register.db", r"C:\x.db"]
)
def test_windows_local_drives_are_not(path: str) -> None:
    asked, drive_type = _drives({"Z:\\"})
    assert windows_network_reason(path, drive_type) is None  # type: ignore[arg-type]
    assert asked and all(root.endswith(":\\") and root[0].isupper() for root in asked)


# -- Linux ---------------------------------------------------------------------------------------

MOUNTINFO = "\n".join(
    [
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "40 22 0:35 / /mnt/qa rw,relatime shared:20 - cifs //fileserver/qa rw,vers=3.1.1",
        r"41 22 0:36 / /srv/nfs\040share rw - nfs4 fs1:/export/qa rw",
        "42 40 8:2 / /mnt/qa/local rw - ext4 /dev/sdb1 rw",
        "43 22 0:37 / /home/me/remote rw,nosuid - fuse.sshfs me@host:/data rw",
        "44 22 0:38 / /home/me/usb rw - fuse.ntfs-3g /dev/sdc1 rw",
        "45 22 0:39 / /mnt/over rw - nfs srv:/x rw",
        "46 45 8:3 / /mnt/over rw - ext4 /dev/sdd1 rw",
        "47 22 0:40 / /mnt/smb rw shared:9 master:3 - smb3 //nas/team rw",
        "",
    ]
)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/mnt/qa/register.db", "cifs, //fileserver/qa"),
        ("/mnt/qa", "cifs"),
        ("/srv/nfs share/qa/register.db", "nfs4, fs1:/export/qa"),
        ("/home/me/remote/register.db", "fuse.sshfs"),
        ("/mnt/smb/register.db", "smb3, //nas/team"),
    ],
)
def test_linux_nfs_smb_cifs_and_sshfs_mounts_are_network_paths(path: str, words: str) -> None:
    reason = linux_network_reason(path, MOUNTINFO)
    assert reason is not None and words in reason


@pytest.mark.parametrize(
    "path",
    [
        "/mnt/qa/local/register.db",  # a local disk mounted inside the share
        "/mnt/qaf/register.db",  # /mnt/qa is only a prefix of the name
        "/home/me/usb/register.db",  # FUSE, but a local disk
        "/mnt/over/register.db",  # the local disk mounted over the NFS export hides it
        "/tmp/register.db",
    ],
)
def test_linux_local_file_systems_are_not(path: str) -> None:
    assert linux_network_reason(path, MOUNTINFO) is None


# -- macOS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fstype", "network"),
    [
        ("smbfs", True),
        ("nfs", True),
        ("afpfs", True),
        ("webdav", True),
        ("apfs", False),
        (None, False),
    ],
)
def test_macos_statfs_types(fstype: str | None, network: bool) -> None:
    reason = mac_network_reason("/Volumes/qa/register.db", lambda _: fstype)
    assert (reason is not None) is network


def test_each_system_uses_its_own_probe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(netpath, "mountinfo", lambda: f"1 0 0:1 / {tmp_path} rw - nfs4 srv:/qa rw")
    monkeypatch.setattr(netpath, "statfs_type", lambda _: "smbfs")
    assert "nfs4" in (network_reason(tmp_path / "r.db", platform="linux") or "")
    assert "smbfs" in (network_reason(tmp_path / "r.db", platform="darwin") or "")
    assert network_reason(tmp_path / "r.db", platform="sunos5") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/mountinfo")
def test_this_machines_temporary_folder_is_local(tmp_path: Path) -> None:
    assert netpath.mountinfo()
    assert network_reason(tmp_path / "register.db") is None


# -- the refusal ---------------------------------------------------------------------------------


@pytest.fixture
def on_a_share(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Make tmp_path look like an SMB share mounted on this (Linux) computer."""
    if not sys.platform.startswith("linux"):
        pytest.skip("simulates Linux's mount table")
    share = tmp_path / "share"
    share.mkdir()
    text = f"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:9 / {share} rw - cifs //fileserver/qa rw\n"
    monkeypatch.setattr(netpath, "mountinfo", lambda: text)
    return share


def test_a_sqlite_register_on_a_share_is_refused_with_what_to_do(on_a_share: Path) -> None:
    ws = init_workspace(on_a_share / "audits")
    with pytest.raises(RegisterError) as info:
        open_register(ws)
    message = str(info.value)
    assert "not on this computer's own disk" in message and "cifs, //fileserver/qa" in message
    assert "qaf register move --to" in message and "PostgreSQL" in message
    assert "\n" not in message
    assert not ws.register_path.exists(), "nothing was created on the share"


def test_a_workspace_on_a_share_with_its_register_on_a_local_disk_works(
    on_a_share: Path, tmp_path: Path
) -> None:
    local = tmp_path / "local disk" / "register.db"
    local.parent.mkdir()
    ws = init_workspace(on_a_share / "audits", register=str(local))
    with open_register(ws) as register:
        assert register.where == str(local)
    assert local.exists() and not ws.register_path.exists()


def test_moving_off_a_share_may_read_the_old_register_there(on_a_share: Path) -> None:
    path = on_a_share / "qaf_register.db"
    with pytest.raises(RegisterError, match="not on this computer's own disk"):
        Register.open(path)
    with Register.open(path, network_ok=True) as register:  # only qaf register move asks this
        assert register.schema_version() > 0
