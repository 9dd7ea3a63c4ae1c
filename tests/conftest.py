"""Shared fixtures: a fresh workspace, issued audits with real packs, and a form filler.

The register-centred suites run against both back ends: a module marked ``both_backends`` has each
test that uses ``register_backend`` (directly, or through ``workspace``, ``register`` or
``register_location``) run once on SQLite and once on a fresh database of the session's throwaway
PostgreSQL server (``pg_server``). The PostgreSQL half is skipped, with the reason, only where no
server programs are installed; under CI their absence is an error.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pg_server
import pytest
from lxml import etree

from qaf_docs import clock
from qaf_docs.demo.filling import FormFiller
from qaf_docs.frameworks import Framework
from qaf_docs.office.content_controls import W_NS
from qaf_docs.packs.details import pack_paths
from qaf_docs.packs.generate import generate_packs
from qaf_docs.records import AuditRecord, NewAudit
from qaf_docs.register.addresses import redact_url
from qaf_docs.register.location import open_register
from qaf_docs.register.store import Register
from qaf_docs.workspace import Workspace, init_workspace, set_register

TODAY = date.today()
BACKENDS = ("sqlite", "postgresql")
# Anything in the developer's own environment that would change which register qaf opens.
_REGISTER_ENV = ("QAF_REGISTER_URL", "QAF_HOST_ID", "PGPASSWORD", "PGPASSFILE", "PGSERVICE")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a ``both_backends`` module's register tests on SQLite and on PostgreSQL."""
    if "register_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_backends") is None:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0]
        if "register_backend" in (names.split(",") if isinstance(names, str) else names):
            return  # the test chose its back end itself
    metafunc.parametrize("register_backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def _hermetic_register_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _REGISTER_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _one_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """qaf's "today" is the day the run began, so a run that passes midnight still agrees with TODAY
    (and so do the moments the register records: ``clock.now()`` stays on that day)."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def root_handlers() -> Iterator[None]:
    """Remove (and close) whatever log handlers a test's `qaf watch` added to the root logger, so
    no later test in the same process sees them (a watch log handler left behind doubled every
    line a later test logged)."""
    root = logging.getLogger()
    before = list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture(scope="session")
def pg() -> pg_server.PgServer:
    """The session's throwaway PostgreSQL server (skipped where none is installed; CI fails)."""
    found = pg_server.server_or_skip_reason()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture
def new_pg_database(pg: pg_server.PgServer) -> Iterator[Callable[[], str]]:
    """Make fresh, empty databases on the test server; each one's URL (with the password)."""
    made: list[str] = []

    def make() -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        made.append(name)
        return pg.create_database(name)

    yield make
    for name in made:
        pg.drop_database(name)


@pytest.fixture
def register_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` (the default) or ``postgresql`` (in ``both_backends`` modules, or when asked)."""
    backend = str(getattr(request, "param", "sqlite"))
    if backend == "postgresql":
        request.getfixturevalue("pg")  # skips here, with the reason, when there is no server
    return backend


@pytest.fixture
def register_location(
    register_backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Path | str:
    """Where a register for this test goes: a SQLite file, or a fresh PostgreSQL database."""
    if register_backend == "postgresql":
        make: Callable[[], str] = request.getfixturevalue("new_pg_database")
        return make()
    return tmp_path / "register.db"


def use_postgres(ws: Workspace, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point a workspace at a PostgreSQL register as a team would: URL in qaf.toml, password not."""
    set_register(ws, redact_url(url))
    monkeypatch.setenv("PGPASSWORD", pg_server.APP_PASSWORD)  # subprocesses inherit it


@pytest.fixture
def make_workspace(
    register_backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Workspace]:
    """``init_workspace`` whose register is on the test's back end (a fresh database each)."""

    def make(root: Path, **options: object) -> Workspace:
        ws = init_workspace(root, **options)  # type: ignore[arg-type]
        if register_backend == "postgresql":
            new_database: Callable[[], str] = request.getfixturevalue("new_pg_database")
            use_postgres(ws, new_database(), monkeypatch)
        return ws

    return make


@pytest.fixture
def workspace(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    """A new workspace with the default (collaborative-audit) framework, on the test's back end."""
    return make_workspace(tmp_path / "ws", council_name="Testshire Council")


@pytest.fixture
def framework(workspace: Workspace) -> Framework:
    """The workspace's framework."""
    return workspace.load_framework()


@pytest.fixture
def register(workspace: Workspace) -> Iterator[Register]:
    """The workspace's register, open."""
    with open_register(workspace) as reg:
        yield reg


def plan_audits(
    register: Register, workspace: Workspace, count: int = 3, *, round_kind: str = "simple"
) -> list[str]:
    """Record a round of ``count`` audits directly (no case list needed) and return their refs."""
    audits = [
        NewAudit(
            case_id=f"{100200 + i}",
            team=f"Locality {i % 2 + 1} Team & Partners",
            worker=f"Worker {i}",
            case_type="CP",
            auditor=f"Auditor {i}",
            auditor_email=f"auditor{i}@council.example",
            due_on=TODAY + timedelta(days=20),
            child_name=f"Childname{i} Surname",
        )
        for i in range(count)
    ]
    framework_id = workspace.load_settings().framework
    return record_test_round(register, framework_id, audits, kind=round_kind)


def record_test_round(
    register: Register,
    framework_id: str,
    audits: list[NewAudit],
    *,
    round_id: str | None = None,
    kind: str = "simple",
) -> list[str]:
    """Record ``audits`` as a round drawn on ``TODAY`` (seed 1, no case list behind it), as
    ``qaf sample`` would; return their refs. The round id is the next one unless given."""
    return register.record_round(
        round_id=round_id or register.new_round_id(kind, TODAY),
        kind=kind,
        seed=1,
        input_sha256="0" * 64,
        rules={},
        framework_id=framework_id,
        audits=audits,
        today=TODAY,
    )


@pytest.fixture
def issued(workspace: Workspace, register: Register) -> list[AuditRecord]:
    """Three audits with packs generated, as the QA officer would have after `qaf generate`."""
    plan_audits(register, workspace, 3)
    generate_packs(workspace, register)
    return register.audits()


def pack_docx(workspace: Workspace, audit: AuditRecord) -> Path:
    """Path of an issued audit tool."""
    return pack_paths(workspace.packs, audit.round_id, audit.audit_ref)[0]


def pack_xlsx(workspace: Workspace, audit: AuditRecord) -> Path:
    """Path of an issued action tracker."""
    return pack_paths(workspace.packs, audit.round_id, audit.audit_ref)[1]


def complete_form(
    path: Path,
    framework: Framework,
    *,
    grade: str = "Good",
    audit_day: date = TODAY,
    actions: int = 2,
) -> FormFiller:
    """Fill every required field validly (callers then break one thing)."""
    f = FormFiller(path)
    f.pick_date("qaf_audit_date", audit_day).tick("qaf_practitioner_present")
    for d in framework.domains:
        f.choose(f"qaf_grade_{d.key}", grade).text(
            f"qaf_rationale_{d.key}", f"Evidence for {d.title}."
        )
    f.choose("qaf_overall_grade", grade).text(
        "qaf_overall_rationale", "Overall, practice is sound."
    )
    if framework.sections.voice_of_child:  # the multi-agency audit has no such box
        f.text("qaf_voice_of_child", "The child said they feel listened to.")
    for n in range(1, actions + 1):
        f.text(f"qaf_action_{n}", f"Action number {n}").text(f"qaf_action_{n}_owner", f"Owner {n}")
        f.pick_date(f"qaf_action_{n}_due", audit_day + timedelta(days=7 * n))
    return f


@pytest.fixture
def fill() -> Callable[..., FormFiller]:
    """The ``complete_form`` helper, as a fixture."""
    return complete_form


def drop(src: Path, inbox: Path, name: str | None = None) -> Path:
    """Copy a file into the inbox as an admin officer would."""
    target = inbox / (name or src.name)
    shutil.copyfile(src, target)
    return target


def soffice() -> str | None:
    """Path of LibreOffice's soffice, or None; in CI (CI=true) its absence fails the test."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) must be installed in CI: .ci/run installs it")
    return found


def printed_text(document: Path, out: Path) -> str:
    """``document`` printed by LibreOffice and read back with ``pdftotext -layout`` (pages split by
    form feeds): what a person sees on paper. Skips where either is missing, but in CI."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed here (it is in CI)")
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext must be installed in CI: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed here (it is in CI)")
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{out / '.lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return subprocess.run(
        ["pdftotext", "-layout", str(out / f"{document.stem}.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def libreoffice_resave(src: Path, out_dir: Path) -> Path:
    """Open ``src`` in LibreOffice and save it again as .docx/.xlsx, like a LibreOffice user."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed here (it is in CI)")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = "docx:MS Word 2007 XML" if src.suffix == ".docx" else "xlsx:Calc MS Excel 2007 XML"
    profile = out_dir / ".lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = out_dir / src.name
    assert result.exists(), f"LibreOffice did not write {result}"
    return result


def edit_template_body(template: Path, edit: Callable[[etree._Element], None]) -> None:
    """Edit a Word template's document body in place, as a council editing it in Word would."""
    tmp = template.with_name(template.name + ".new")
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                edit(root.find(f"{{{W_NS}}}body"))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, data)
    tmp.replace(template)


def with_immediate_column(template: Path) -> None:
    """Make a workspace's audit tool template as it was before the Immediate column depended on
    the framework: one actions table with the column, printed under every framework."""

    def edit(body: etree._Element) -> None:
        state = "before"  # then "with" (the table with the column), "without", "after"
        for block in list(body):
            text = "".join(t.text or "" for t in block.iter(f"{{{W_NS}}}t")).strip()
            if state == "before" and text == "{%p if asks_immediate %}":
                state = "with"
            elif state == "with" and text == "{%p else %}":
                state = "without"
            elif state == "without" and text == "{%p endif %}":
                state = "after"
            elif state != "without":
                continue
            body.remove(block)
        assert state == "after", "the template has no table switched by asks_immediate"

    edit_template_body(template, edit)


def actions_header(docx: Path) -> list[str]:
    """The headings of a form's actions table, as the auditor sees them."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    w = f"{{{W_NS}}}"
    for table in root.iter(f"{w}tbl"):
        if any(b.get(f"{w}name") == "qaf_actions" for b in table.iter(f"{w}bookmarkStart")):
            first = table.find(f"{w}tr")
            assert first is not None
            return ["".join(t.text or "" for t in c.iter(f"{w}t")) for c in first.iter(f"{w}tc")]
    raise AssertionError(f"{docx.name} has no actions table")
