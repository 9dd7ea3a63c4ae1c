"""A throwaway PostgreSQL server for the tests, run from Debian's ``postgresql`` binaries.

One server per test session (start-up about a second), one fresh database per test, copied
from a template database (about 20 ms with the server on /dev/shm, 100–300 ms on disk)::

    found = server_or_skip_reason()  # conftest: `from pg_server import server_or_skip_reason`
    if isinstance(found, str):
        pytest.skip(found)
    url = found.create_database("t_" + uuid.uuid4().hex[:12])

The server listens on 127.0.0.1 only, on a port chosen at run time, with its data directory,
unix socket and log file in a temporary directory (on /dev/shm when it has room) that is
removed when it stops. It runs with ``fsync``, ``synchronous_commit`` and ``full_page_writes``
off: fast, and nothing in it is kept. The postmaster is this process's own child, stopped and
reaped at exit (atexit) or by :meth:`PgServer.stop`; servers left by a run that was killed
outright are stopped and removed by the next run.

Authentication is as a real team server would have it for the application's role: the role
``qaf`` (password ``qaf-test-pw``) connects over TCP with ``scram-sha-256``, so a wrong
password really fails. Only the superuser ``postgres`` is trusted, and only on the unix socket,
which this module uses to create, drop and cut off databases.

``initdb`` refuses to run as root (and CI runs as root), so as root the server's programs run
as Debian's ``postgres`` system user (or ``nobody`` when there is none), which owns the
temporary directory.

When no server binaries are found, :func:`server_or_skip_reason` returns the reason to skip;
in CI (``CI`` set, as CI services do) it raises instead, so the PostgreSQL half of the suite
cannot be skipped there by accident. ``QAF_PG_BINDIR`` forces the binary directory and
``QAF_PG_TMPDIR`` the directory the server's files go in.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "APP_PASSWORD",
    "APP_ROLE",
    "SUPERUSER",
    "TEMPLATE_DB",
    "PgBinaries",
    "PgServer",
    "PgServerError",
    "find_binaries",
    "in_ci",
    "server_or_skip_reason",
]

APP_ROLE = "qaf"
APP_PASSWORD = "qaf-test-pw"
TEMPLATE_DB = "qaf_template"
SUPERUSER = "postgres"

DEBIAN_ROOT = Path("/usr/lib/postgresql")
NOT_FOUND = "PostgreSQL server binaries not found (install Debian's postgresql package)"

_DIR_PREFIX = "qaf-pg-"
_OWNER_FILE = "owner.pid"
_LOG_NAME = "server.log"
_SHM = Path("/dev/shm")
_SHM_MIN_FREE = 1 << 30  # bytes
_START_TIMEOUT_S = 60
_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Variables that would make libpq or the server programs use something other than what we pass.
_PG_ENV_VARS = (
    "PGDATA",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGPASSWORD",
    "PGPASSFILE",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGOPTIONS",
    "PGSSLMODE",
    "PGCLIENTENCODING",
)


class PgServerError(RuntimeError):
    """The throwaway server could not be found, started or used."""


def in_ci() -> bool:
    """True when running under CI (``CI`` set to anything but empty/0/false/no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# ---------------------------------------------------------------------------------------------
# Finding the binaries


@dataclass(frozen=True)
class PgBinaries:
    """The server programs of one PostgreSQL installation."""

    bindir: Path
    major: int
    version: str  # e.g. "initdb (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"

    @property
    def initdb(self) -> Path:
        return self.bindir / "initdb"

    @property
    def pg_ctl(self) -> Path:
        return self.bindir / "pg_ctl"

    @property
    def postgres(self) -> Path:
        return self.bindir / "postgres"


def _probe(bindir: Path) -> PgBinaries | None:
    """The installation in ``bindir`` if initdb, pg_ctl and postgres are there and run."""
    majors: set[int] = set()
    first = ""
    for name in ("initdb", "pg_ctl", "postgres"):
        prog = bindir / name
        if not (prog.is_file() and os.access(prog, os.X_OK)):
            return None
        try:
            out = subprocess.run(
                [str(prog), "--version"],
                capture_output=True,
                text=True,
                timeout=10,
                env=_clean_env(),
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        match = re.search(r"\(PostgreSQL\)\s+(\d+)", out.stdout)
        if out.returncode != 0 or match is None:
            return None
        majors.add(int(match.group(1)))
        first = first or out.stdout.strip()
    if len(majors) != 1:  # pieces of two installations side by side
        return None
    return PgBinaries(bindir=bindir, major=majors.pop(), version=first)


def _major_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", path.name)) or (-1,)


def find_binaries() -> PgBinaries | None:
    """The PostgreSQL server programs to use, or None.

    In order: ``$QAF_PG_BINDIR``; Debian's ``/usr/lib/postgresql/<major>/bin``, highest major
    first; then ``pg_ctl`` on PATH (followed through symlinks, since pg_ctl runs the
    ``postgres`` next to its real self). Each candidate must actually run.
    """
    forced = os.environ.get("QAF_PG_BINDIR")
    if forced:
        found = _probe(Path(forced))
        if found is None:
            raise PgServerError(
                f"QAF_PG_BINDIR={forced}: no working initdb, pg_ctl and postgres there"
            )
        return found
    if DEBIAN_ROOT.is_dir():
        for major_dir in sorted(DEBIAN_ROOT.iterdir(), key=_major_key, reverse=True):
            found = _probe(major_dir / "bin")
            if found is not None:
                return found
    on_path = shutil.which("pg_ctl")
    if on_path:
        return _probe(Path(on_path).resolve().parent)
    return None


# ---------------------------------------------------------------------------------------------
# Running the server's programs as an unprivileged user


@dataclass(frozen=True)
class _RunAs:
    """Who the server's programs run as: None fields mean "as ourselves"."""

    uid: int | None = None
    gid: int | None = None
    name: str | None = None

    @classmethod
    def choose(cls) -> _RunAs:
        if os.geteuid() != 0:
            return cls()
        for name in ("postgres", "nobody"):
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return cls(uid=entry.pw_uid, gid=entry.pw_gid, name=name)
        raise PgServerError(
            "running as root, and there is no 'postgres' or 'nobody' user to run the "
            "PostgreSQL server as (initdb refuses to run as root)"
        )

    def popen_kwargs(self) -> dict[str, Any]:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def chown(self, path: Path) -> None:
        if self.uid is not None:
            os.chown(path, self.uid, self.gid if self.gid is not None else -1)


def _clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PG_ENV_VARS}
    env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def _check_reachable(path: Path, run_as: _RunAs) -> None:
    """Fail clearly if the unprivileged user cannot get through the directories above ``path``."""
    if run_as.uid is None:
        return
    for parent in path.parents:
        st = parent.stat()
        if st.st_uid != run_as.uid and not st.st_mode & 0o001:
            raise PgServerError(
                f"{parent} is not searchable by other users, so the {run_as.name!r} user cannot "
                f"reach the server's directory {path}; set TMPDIR to somewhere it can (e.g. /tmp)"
            )


def _scratch_root() -> Path:
    """Where the server's directory goes: ``$QAF_PG_TMPDIR``, else RAM, else the temp dir.

    A RAM file system (/dev/shm) makes CREATE DATABASE several times faster (measured here:
    about 20 ms there against 100–300 ms on ext4, even with fsync off). It is used only when
    it has room to spare (Docker's default /dev/shm is 64 MB, too small).
    """
    forced = os.environ.get("QAF_PG_TMPDIR")
    if forced:
        return Path(forced)
    try:
        st = os.statvfs(_SHM)
        roomy = st.f_bavail * st.f_frsize >= _SHM_MIN_FREE
        if roomy and os.access(_SHM, os.W_OK | os.X_OK) and _SHM.stat().st_mode & 0o001:
            return _SHM
    except OSError:
        pass
    return Path(tempfile.gettempdir())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"database name {name!r}: use lower-case letters, digits and _ only")
    return name


# ---------------------------------------------------------------------------------------------
# The server


class PgServer:
    """One throwaway PostgreSQL server: ``start()``, use, ``stop()`` (or ``with PgServer():``)."""

    host = "127.0.0.1"

    def __init__(self, binaries: PgBinaries | None = None) -> None:
        found = binaries or find_binaries()
        if found is None:
            raise PgServerError(NOT_FOUND)
        self.binaries = found
        self.port: int = 0
        self.base_dir: Path | None = None
        self._run_as = _RunAs.choose()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._running = False
        self.start_seconds: float = 0.0

    # -- paths -----------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self._base() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._base() / "sock"

    @property
    def log_path(self) -> Path:
        return self._base() / _LOG_NAME

    @property
    def running(self) -> bool:
        return self._running

    def _base(self) -> Path:
        if self.base_dir is None:
            raise PgServerError("the server has not been started")
        return self.base_dir

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> PgServer:
        """Create a new cluster in a temporary directory, start it, and set up role and template.

        Returns self. On failure everything created is removed and :class:`PgServerError`
        carries the end of the server's log.
        """
        with self._lock:
            if self._running:
                return self
            started = time.monotonic()
            atexit.register(self.stop)  # from here on, whatever happens
            _reap_stale_servers()
            try:
                self._create_dirs()
                self._initdb()
                self._start_on_free_port()
                self._running = True
                self._bootstrap()
            except BaseException:
                self._stop_locked()
                raise
            self.start_seconds = time.monotonic() - started
            return self

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and remove its directory."""
        with self._lock:
            self._stop_locked()
        atexit.unregister(self.stop)

    def restart(self) -> None:
        """Stop and start the server again on the same port, keeping its databases."""
        with self._lock:
            if not self._running:
                raise PgServerError("the server is not running")
            self._terminate_postmaster(signal.SIGINT)  # "fast" shutdown: a clean checkpoint
            self._running = False
            self._launch()
            self._running = True

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """Stop the server for the block (a "fast" shutdown, databases kept), then start it again
        on the same port: a team's server away for a while, and back."""
        with self._lock:
            if not self._running:
                raise PgServerError("the server is not running")
            self._terminate_postmaster(signal.SIGINT)
            self._running = False
        try:
            yield
        finally:
            with self._lock:
                self._launch()
                self._running = True

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port {self.port}" if self._running else "stopped"
        return f"<PgServer PostgreSQL {self.binaries.major} {state}>"

    def _create_dirs(self) -> None:
        base = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=_scratch_root()))
        self.base_dir = base
        (base / _OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        _check_reachable(base, self._run_as)
        self.socket_dir.mkdir(mode=0o700)
        for path in (base, self.socket_dir):
            self._run_as.chown(path)

    def _run(self, args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        """Run one of the server's programs as the server's user, in its directory."""
        try:
            return subprocess.run(
                args,
                cwd=self._base(),
                env=_clean_env(),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                **self._run_as.popen_kwargs(),
            )
        except subprocess.TimeoutExpired as exc:
            raise PgServerError(
                f"{Path(args[0]).name} took more than {timeout:.0f}s" + self._log_tail()
            ) from exc

    def _initdb(self) -> None:
        args = [
            str(self.binaries.initdb),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]
        if self.binaries.major >= 14:
            args.append("--no-instructions")
        done = self._run(args, timeout=120)
        if done.returncode != 0:
            raise PgServerError(
                f"initdb failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}"
            )
        # Trust only the superuser, only on the unix socket; everyone else needs a password.
        (self.data_dir / "pg_hba.conf").write_text(
            "# Written by tests/pg_server.py\n"
            f"local   all   {SUPERUSER}   trust\n"
            "host    all   all        127.0.0.1/32   scram-sha-256\n",
            encoding="ascii",
        )

    def _write_settings(self) -> None:
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "max_connections": "100",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "password_encryption": "'scram-sha-256'",
            "shared_buffers": "32MB",
            "log_min_messages": "warning",
            "log_connections": "off",
        }
        # A file of our own included last: it wins over initdb's postgresql.conf, and
        # rewriting it (a new port) does not pile up lines.
        conf = self.data_dir / "postgresql.conf"
        include = "include_if_exists = 'qaf_test.conf'\n"
        text = conf.read_text(encoding="utf-8")
        if include not in text:
            conf.write_text(text + "\n" + include, encoding="utf-8")
        (self.data_dir / "qaf_test.conf").write_text(
            "".join(f"{k} = {v}\n" for k, v in settings.items()), encoding="utf-8"
        )
        for name in ("postgresql.conf", "qaf_test.conf", "pg_hba.conf"):
            self._run_as.chown(self.data_dir / name)

    def _start_on_free_port(self) -> None:
        """Start the server on a fresh free port; retried if another process took the port."""
        for attempt in range(3):
            self.port = _free_port()
            self._write_settings()
            try:
                self._launch()
                return
            except PgServerError as exc:
                if "could not bind" in str(exc) and attempt < 2:
                    continue
                raise

    def _launch(self) -> None:
        """Run ``postgres`` as our own child and wait until it accepts connections.

        Not ``pg_ctl start``: that leaves the postmaster an orphan, and where process 1 does
        not reap orphans (containers, CI) every stopped server would linger as a zombie. As our
        child it is reaped by :meth:`stop`. It gets a session of its own, so a Ctrl-C meant
        for pytest does not shut it down under the tests' teardown.
        """
        with self.log_path.open("ab") as log:
            self._run_as.chown(self.log_path)
            self._proc = subprocess.Popen(
                [str(self.binaries.postgres), "-D", str(self.data_dir)],
                cwd=self._base(),
                env=_clean_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self._run_as.popen_kwargs(),
            )
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                self._proc = None
                raise PgServerError(f"the server exited at start (exit {code})" + self._log_tail())
            if self._postmaster_ready():
                return
            time.sleep(0.02)
        self._terminate_postmaster(signal.SIGQUIT)
        raise PgServerError(
            f"the server did not accept connections within {_START_TIMEOUT_S}s" + self._log_tail()
        )

    def _postmaster_ready(self) -> bool:
        """True once postmaster.pid names our process and says "ready" (what pg_ctl -w reads)."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        except OSError:
            return False
        if self._proc is None or len(lines) < 8 or lines[0].strip() != str(self._proc.pid):
            return False
        return lines[7].strip() == "ready"

    def _terminate_postmaster(self, sig: int) -> None:
        """Signal our postmaster (SIGINT fast, SIGQUIT immediate) and reap it; SIGKILL if stuck."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()  # its children notice the postmaster is gone and exit
                proc.wait()

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, PgServerError):
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"\n--- end of server log {self.log_path} ---\n{tail}" if tail else ""

    def _stop_locked(self) -> None:
        base = self.base_dir
        if base is None:
            return
        self._terminate_postmaster(signal.SIGQUIT)  # "immediate": nothing in it is kept
        self._running = False
        shutil.rmtree(base, ignore_errors=True)
        self.base_dir = None

    def _bootstrap(self) -> None:
        from psycopg import sql

        with self.admin_connection() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(APP_ROLE), sql.Literal(APP_PASSWORD)
                )
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                    sql.Identifier(TEMPLATE_DB), sql.Identifier(APP_ROLE)
                )
            )
            conn.execute(
                sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(sql.Identifier(TEMPLATE_DB))
            )

    # -- using it --------------------------------------------------------------------------

    def url(self, dbname: str = TEMPLATE_DB) -> str:
        """The application's URL for ``dbname``: role ``qaf`` with its password, over TCP."""
        return f"postgresql://{APP_ROLE}:{APP_PASSWORD}@{self.host}:{self.port}/{dbname}"

    def admin_conninfo(self, dbname: str = "postgres") -> str:
        """Superuser connection string over the unix socket (trusted)."""
        return f"host={self.socket_dir} port={self.port} user={SUPERUSER} dbname={dbname}"

    @contextlib.contextmanager
    def admin_connection(self, dbname: str = "postgres") -> Iterator[Any]:
        """An autocommit superuser connection (psycopg), closed afterwards."""
        import psycopg

        if not self._running:
            raise PgServerError("the server is not running")
        with psycopg.connect(
            self.admin_conninfo(dbname), autocommit=True, connect_timeout=10
        ) as conn:
            yield conn

    def create_database(self, name: str, *, template: str = TEMPLATE_DB) -> str:
        """Create database ``name`` owned by ``qaf``, as a copy of ``template``; return its URL.

        The template must have no open connections while it is copied (PostgreSQL's rule).
        """
        from psycopg import sql

        _check_name(name)
        strategy = sql.SQL(" STRATEGY FILE_COPY") if self.binaries.major >= 15 else sql.SQL("")
        with self.admin_connection() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}{}").format(
                    sql.Identifier(name),
                    sql.Identifier(APP_ROLE),
                    sql.Identifier(template),
                    strategy,
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, cutting off anyone still connected."""
        from psycopg import sql

        _check_name(name)
        with self.admin_connection() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def terminate_connections(self, dbname: str) -> int:
        """Kill every connection to ``dbname`` (the server "going away" under a client).

        Waits until those backends have gone, so the client's next use fails for certain.
        Returns how many were terminated.
        """
        with self.admin_connection() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            ).fetchall()
            pids = [row[0] for row in rows]
            for pid in pids:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 10
            while pids and time.monotonic() < deadline:
                left = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
                ).fetchone()
                if not left or left[0] == 0:
                    break
                time.sleep(0.01)
        return len(pids)


def _stop_cluster(pg_ctl: Path, data_dir: Path, run_as: _RunAs) -> None:
    """Stop the server of ``data_dir`` at once; kill its postmaster if pg_ctl cannot."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            [str(pg_ctl), "-D", str(data_dir), "stop", "-m", "immediate", "-w", "-t", "30"],
            cwd=data_dir.parent,
            env=_clean_env(),
            capture_output=True,
            timeout=60,
            check=False,
            **run_as.popen_kwargs(),
        )
        if done.returncode == 0:
            return
    pid_file = data_dir / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text(encoding="ascii").split()[0])
        if pid > 0 and _pid_alive(pid):
            os.kill(pid, 9)  # the postmaster's children exit when it goes


def _reap_stale_servers() -> None:
    """Stop and remove servers left by test runs that were killed before they could clean up."""
    binaries = None
    run_as = _RunAs.choose()
    ours = {os.geteuid(), run_as.uid}
    roots = {Path(tempfile.gettempdir()), _SHM, _scratch_root()}
    for base in (b for root in roots for b in root.glob(f"{_DIR_PREFIX}*")):
        owner_file = base / _OWNER_FILE
        try:
            if base.stat().st_uid not in ours:
                continue
            owner = int(owner_file.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or _pid_alive(owner):
            continue
        data = base / "data"
        if (data / "postmaster.pid").exists():
            binaries = binaries or find_binaries()
            if binaries is not None:
                with contextlib.suppress(PgServerError):
                    _stop_cluster(binaries.pg_ctl, data, run_as)
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# One server per test session

_session_lock = threading.Lock()
_session: PgServer | str | None = None


def server_or_skip_reason() -> PgServer | str:
    """The session's running server (started on first call), or why PostgreSQL tests skip.

    Without server binaries this returns the skip reason, except in CI, where it raises
    :class:`PgServerError`. A server that is found but will not start always raises. The
    server is stopped at interpreter exit; call :func:`stop_session_server` to stop it
    sooner (e.g. from a session fixture's finaliser).
    """
    global _session
    with _session_lock:
        if isinstance(_session, PgServer) and _session.running:
            return _session
        if isinstance(_session, str):
            return _session
        binaries = find_binaries()
        if binaries is None:
            if in_ci():
                raise PgServerError(NOT_FOUND + "; CI must run the PostgreSQL tests")
            _session = NOT_FOUND
            return _session
        _session = PgServer(binaries).start()
        return _session


def stop_session_server() -> None:
    """Stop the session's server, if one was started (safe to call more than once)."""
    global _session
    with _session_lock:
        if isinstance(_session, PgServer):
            _session.stop()
        _session = None
