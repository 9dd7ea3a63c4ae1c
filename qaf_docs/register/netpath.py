"""Is a path on another computer? A SQLite register must never be.

SQLite's own documentation: WAL mode "does not work over a network filesystem", and file locks
over network filesystems are unreliable, so a register on a share can be corrupted by ordinary
use from two computers. What counts as a network path, per system:

* Windows: UNC paths (``\\\\server\\share\\…``, ``\\\\?\\UNC\\server\\share\\…``) and drive letters
  that ``GetDriveTypeW`` calls ``DRIVE_REMOTE`` (mapped network drives);
* Linux: the file system type of the mount that holds the path, from ``/proc/self/mountinfo``
  (NFS, SMB/CIFS, AFS, cluster file systems, and FUSE network file systems such as sshfs);
* macOS: the ``f_fstypename`` that ``statfs`` gives (smbfs, nfs, afpfs, webdav).

Each system's answer comes through one small probe (:func:`drive_type`, :func:`mountinfo`,
:func:`statfs_type`); the decisions are pure functions of those answers, so the tests simulate
file-system and drive types that a test machine cannot mount.
"""

from __future__ import annotations

import ntpath
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "linux_network_reason",
    "mac_network_reason",
    "network_reason",
    "windows_network_reason",
]

DRIVE_REMOTE = 4  # GetDriveTypeW
NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "gfs2",
        "ocfs2",
        "davfs",
        "afpfs",
        "webdav",
        "ftp",
    }
)
NETWORK_FUSE = frozenset(
    {"sshfs", "rclone", "s3fs", "gcsfuse", "davfs2", "glusterfs", "cephfs", "curlftpfs", "smbnetfs"}
)


def _network_type(fstype: str) -> bool:
    kind = fstype.lower()
    if kind.startswith("fuse."):
        return kind[5:] in NETWORK_FUSE
    return kind in NETWORK_FS


# -- Windows -------------------------------------------------------------------------------------


def windows_network_reason(path: str, drive_type: Callable[[str], int]) -> str | None:
    """Why ``path`` (absolute, Windows spelling) is on the network, or None.

    ``drive_type`` answers as ``GetDriveTypeW`` does for a root such as ``"Z:\\\\"``.
    """
    p = path.replace("/", "\\")
    unc: str | None = None
    if p.startswith(("\\\\?\\", "\\\\.\\")):  # a device path: \\?\C:\… is local, \\?\UNC\… is not
        rest = p[4:]
        if rest.upper().startswith("UNC\\"):
            unc = rest[4:]
        else:
            p = rest
    elif p.startswith("\\\\"):
        unc = p[2:]
    if unc is not None:
        server, _, tail = unc.partition("\\")
        share = tail.partition("\\")[0]
        return f"it is a network path (\\\\{server}\\{share})"
    drive = ntpath.splitdrive(p)[0]
    if len(drive) == 2 and drive[1] == ":" and drive[0].isalpha():
        root = drive.upper() + "\\"
        if drive_type(root) == DRIVE_REMOTE:
            return f"drive {drive.upper()} is a network drive (a shared folder mapped to a letter)"
    return None


def drive_type(root: str) -> int:
    """``GetDriveTypeW(root)`` (Windows only)."""
    import ctypes

    windll = ctypes.windll  # type: ignore[attr-defined,unused-ignore]
    return int(windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


# -- Linux ---------------------------------------------------------------------------------------

_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def linux_network_reason(path: str, mountinfo_text: str) -> str | None:
    """Why ``path`` (absolute) is on the network, given ``/proc/self/mountinfo``'s text, or None.

    The mount that holds a path is the one with the longest mount point above it; of mounts on
    the same point, the last (it hides the others).
    """
    best: tuple[int, str, str] | None = None
    for line in mountinfo_text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, after = left.split(), right.split()
        if not sep or len(fields) < 5 or not after:
            continue
        mount_point = _unescape(fields[4])
        inside = (
            path == mount_point
            or mount_point == "/"
            or path.startswith(mount_point.rstrip("/") + "/")
        )
        if inside and (best is None or len(mount_point) >= best[0]):
            source = _unescape(after[1]) if len(after) > 1 else ""
            best = (len(mount_point), after[0], source)
    if best is not None and _network_type(best[1]):
        return f"it is on a network file system ({best[1]}, {best[2]})"
    return None


def mountinfo() -> str:
    """The text of ``/proc/self/mountinfo`` ("" where there is none)."""
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


# -- macOS ---------------------------------------------------------------------------------------


def mac_network_reason(path: str, fstype_of: Callable[[str], str | None]) -> str | None:
    """Why ``path`` is on the network, given ``statfs``'s file system type name, or None."""
    fstype = fstype_of(path)
    if fstype and _network_type(fstype):
        return f"it is on a network file system ({fstype})"
    return None


def statfs_type(path: str) -> str | None:
    """``statfs(path).f_fstypename`` on macOS, or None if it cannot be had."""
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):
        _fields_ = [
            ("f_bsize", ctypes.c_uint32),
            ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64),
            ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64),
            ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32),
            ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024),
            ("f_flags_ext", ctypes.c_uint32),
            ("f_reserved", ctypes.c_uint32 * 7),
        ]

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        # Intel Macs name the 64-bit-inode variant apart; Apple silicon has only that one.
        statfs = getattr(libc, "statfs$INODE64", None) or libc.statfs
    except (OSError, AttributeError):
        return None
    buf = StatFs()
    if statfs(os.fsencode(path), ctypes.byref(buf)) != 0:
        return None
    return buf.f_fstypename.decode("utf-8", errors="replace") or None


# -- this system ---------------------------------------------------------------------------------


def _existing(path: Path) -> Path:
    """The path itself or its nearest folder that exists (a new register has no file yet)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def network_reason(path: Path, platform: str | None = None) -> str | None:
    """Why the SQLite file at ``path`` would be on another computer, or None when it is local."""
    platform = platform or sys.platform
    if platform == "win32":
        return windows_network_reason(os.path.abspath(path), drive_type)
    target = str(_existing(Path(os.path.abspath(path))).resolve())
    if platform.startswith("linux"):
        return linux_network_reason(target, mountinfo())
    if platform == "darwin":
        return mac_network_reason(target, statfs_type)
    return None
