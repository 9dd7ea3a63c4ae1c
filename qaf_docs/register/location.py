"""Where a workspace's register is, and the one way the rest of qaf opens it: :func:`open_register`.

Chosen in this order:

1. ``QAF_REGISTER_URL`` in the environment of the computer that runs qaf: a ``postgresql://`` URL,
   which may carry the password (the environment is that computer's own, not a shared folder);
2. ``register = "…"`` in the workspace's ``qaf.toml``: a SQLite file (relative to the workspace, or
   a local folder such as ``"D:/qaf/register.db"`` when the workspace is on a share) or a
   PostgreSQL URL *without* a password: ``qaf.toml`` sits in a folder the whole team can read, so
   the password comes from ``PGPASSWORD``, ``QAF_REGISTER_URL`` or a pgpass file instead;
3. ``qaf_register.db`` in the workspace.

A SQLite register belongs to one computer. The register records its owner, and so does the
workspace (``.qaf/register-owner.json``): with ``register = "D:/qaf/register.db"`` in a shared
``qaf.toml``, a second computer would otherwise quietly start an empty register of its own on its
own D: drive.

A SQLite register is also checked before it is opened (:mod:`~qaf_docs.register.presence`): a
workspace that has been used never gets a blank register in place of a lost one.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from qaf_docs.computer import this_computer
from qaf_docs.errors import RegisterError, SettingsError
from qaf_docs.register.addresses import is_postgres_url, redact_url, url_has_password
from qaf_docs.register.ownership import TEAM_ADVICE
from qaf_docs.register.presence import blank_server_refusal, check_sqlite_register, mark_created
from qaf_docs.register.store import Register, refuse_network_path
from qaf_docs.workspace import Settings, Workspace

ENV_URL = "QAF_REGISTER_URL"
OWNER_FILE = "register-owner.json"


def check_register_setting(value: str, source: str) -> None:
    """Refuse a register setting that would put a password in a shared file."""
    if is_postgres_url(value) and url_has_password(value):
        raise SettingsError(
            f"{source} must not hold the register's password: qaf.toml sits in a folder others "
            f"can read. Leave it out of the URL ({redact_url(value)}) and give it to each computer "
            f"that runs qaf instead: PGPASSWORD or {ENV_URL} in its environment, or a pgpass file "
            "(README: A team register on PostgreSQL)."
        )


def register_location(ws: Workspace, settings: Settings | None = None) -> Path | str:
    """The workspace's register: a SQLite file's path, or a PostgreSQL URL."""
    from_env = os.environ.get(ENV_URL, "").strip()
    if from_env:
        if not is_postgres_url(from_env):
            raise SettingsError(
                f"{ENV_URL} must be a postgresql://… URL; unset it to use the register that "
                "qaf.toml names."
            )
        return from_env
    chosen = (settings or ws.load_settings()).register_at
    if not chosen:
        return ws.register_path
    if is_postgres_url(chosen):
        check_register_setting(chosen, str(ws.settings_path))
        return chosen
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else ws.root / path


def describe_location(location: Path | str) -> str:
    """The register's location for people: its file, or its URL without a password."""
    if isinstance(location, Path):
        return str(location)
    return redact_url(location)


def open_register(
    ws: Workspace,
    settings: Settings | None = None,
    *,
    network_ok: bool = False,
    take_over: bool = False,
) -> Register:
    """Open the workspace's register wherever it is configured: the one way qaf opens it.

    The register must be this workspace's (and a SQLite one this computer's). A SQLite register is
    first checked as :mod:`~qaf_docs.register.presence` describes: a missing or empty file is
    refused when the workspace has been used, a damaged one is refused, and one about to be
    migrated is backed up first. A PostgreSQL register skips those file checks (its server keeps
    and backs up its databases), but an empty database is not made a blank register either when
    the workspace has been used (the database renamed, or a new one made in its place). ``network_ok`` lets ``qaf register move`` read a SQLite register
    left on a shared drive; ``take_over`` lets ``qaf register claim`` make this computer its owner.
    """
    settings = settings or ws.load_settings()
    location = register_location(ws, settings)
    where = describe_location(location)
    if isinstance(location, Path):
        if not take_over:
            _check_workspace_owner(ws, location)  # a second computer: say so, not "missing"
        if not network_ok:
            refuse_network_path(location)
        check_sqlite_register(ws, location, settings)
    register = Register.open(
        location,
        workspace_id=settings.workspace_id,
        network_ok=True,  # a SQLite file's path was checked above; a server is on a network
        take_over=take_over,
        refuse_blank=None if isinstance(location, Path) else blank_server_refusal(ws, where),
    )
    try:
        if isinstance(location, Path):
            record_workspace_owner(ws, location)
        mark_created(ws, where)
    except BaseException:
        register.close()
        raise
    return register


# -- which computer keeps this workspace's SQLite register ---------------------------------------


def _owner_record(ws: Workspace) -> dict[str, str] | None:
    try:
        data = json.loads((ws.state / OWNER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("computer"), str):
        return None
    return {str(k): str(v) for k, v in data.items()}


def _check_workspace_owner(ws: Workspace, location: Path) -> None:
    record = _owner_record(ws)
    here = this_computer()
    if record is None or record["computer"] == here:
        return
    raise RegisterError(
        f"This workspace's register is a SQLite file kept on the computer '{record['computer']}' "
        f"({record.get('register', location)}), and this is '{here}': a SQLite register is only "
        f"ever used from one computer. Run qaf on '{record['computer']}', or {TEAM_ADVICE}. If "
        f"this computer is '{record['computer']}' under a new name, run: qaf register claim"
    )


def record_workspace_owner(ws: Workspace, location: Path) -> None:
    """Record, in the workspace, that this computer keeps its SQLite register at ``location``."""
    wanted = {"computer": this_computer(), "register": str(location)}
    if _owner_record(ws) == wanted:
        return
    # A reader with no right to write to the workspace still gets its report.
    with contextlib.suppress(OSError):
        ws.state.mkdir(parents=True, exist_ok=True)
        temp = ws.state / f".{OWNER_FILE}.tmp"
        temp.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
        os.replace(temp, ws.state / OWNER_FILE)


def forget_workspace_owner(ws: Workspace) -> None:
    """Drop the workspace's record of its SQLite register's computer (after a move to a server)."""
    (ws.state / OWNER_FILE).unlink(missing_ok=True)


def claim_workspace_register(ws: Workspace) -> str | None:
    """Make this computer the owner of the workspace's SQLite register; return the previous one."""
    settings = ws.load_settings()
    location = register_location(ws, settings)
    if not isinstance(location, Path):
        raise RegisterError(
            f"The register is on a PostgreSQL server ({describe_location(location)}): any computer "
            "may use it, and there is nothing to claim."
        )
    previous = (_owner_record(ws) or {}).get("computer")
    with open_register(ws, settings, take_over=True):
        pass
    return previous
