"""Audit packs: a pre-filled Word audit tool and an Excel action tracker for each allocated audit.

Both are rendered from the council's templates in ``templates/``; the fields an auditor fills are Word
content controls (see ``formfields``) and both files carry the audit's identity (see ``identity``).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docxtpl import DocxTemplate
from lxml import etree
from openpyxl import load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from qaf_docs.dates import uk
from qaf_docs.errors import TemplateError
from qaf_docs.frameworks import Framework, load_framework
from qaf_docs.office import content_controls as ff
from qaf_docs.office.identity import CUSTOM_CONTENT_TYPE, custom_properties_xml
from qaf_docs.office.printing import fit_row_height
from qaf_docs.records import AuditRecord, Identity
from qaf_docs.register.store import Register
from qaf_docs.safe_output import atomic_write, set_text_cell
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Settings, Workspace

ACTION_SLOTS = 8
STATUSES = ("Not started", "In progress", "Completed")


@dataclass(frozen=True)
class PackAction:
    """An agreed action as it appears in an action tracker."""

    number: int
    description: str
    owner: str
    due_on: date | None
    status: str = "Not started"
    completed_on: date | None = None
    evidence: str = ""


@dataclass(frozen=True)
class PackDetails:
    """Everything printed on an audit's pack (never more than the settings allow)."""

    identity: Identity
    team: str
    worker: str
    case_type: str
    auditor: str
    issued_on: date
    due_on: date
    council_name: str
    child_name: str | None = None


def template_version(*paths: Path) -> str:
    """Return a short fingerprint of the template files, recorded in every file made from them."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _fields(framework: Framework) -> dict[str, ff.Control]:
    grades = framework.scale.grades
    return {
        "audit_date": ff.date_control("qaf_audit_date", "Date of audit"),
        "practitioner_present": ff.checkbox_control(
            "qaf_practitioner_present", "Practitioner took part"
        ),
        "overall_grade": ff.dropdown_control("qaf_overall_grade", "Overall grade", grades),
        "overall_rationale": ff.text_control("qaf_overall_rationale", "Overall rationale"),
        "voice_of_child": ff.text_control("qaf_voice_of_child", "Voice of the child"),
        "self_assessment": ff.text_control("qaf_self_assessment", "Practitioner self-assessment"),
        "family_feedback": ff.text_control("qaf_family_feedback", "Family feedback"),
        "theme": ff.text_control("qaf_theme", "Theme"),
        "agency_contributions": ff.text_control("qaf_agency_contributions", "Agency contributions"),
        "moderator": ff.text_control("qaf_moderator", "Moderator"),
        "moderated_grade": ff.dropdown_control("qaf_moderated_grade", "Moderated grade", grades),
        "moderation_reason": ff.text_control("qaf_moderation_reason", "Reason for change"),
        "moderation_date": ff.date_control("qaf_moderation_date", "Date moderated"),
    }


def audit_tool_context(
    details: PackDetails, framework: Framework, action_days: int
) -> dict[str, Any]:
    """Return the values the Word template is rendered with."""
    ident = details.identity
    domains = [
        {
            "key": d.key,
            "title": d.title,
            "prompts": d.prompts,
            "grade": ff.dropdown_control(
                f"qaf_grade_{d.key}", f"{d.title}: grade", framework.scale.grades
            ),
            "rationale": ff.text_control(f"qaf_rationale_{d.key}", f"{d.title}: rationale"),
        }
        for d in framework.domains
    ]
    actions = [
        {
            "number": n,
            "description": ff.text_control(f"qaf_action_{n}", f"Action {n}"),
            "owner": ff.text_control(f"qaf_action_{n}_owner", f"Action {n}: owner"),
            "due": ff.date_control(f"qaf_action_{n}_due", f"Action {n}: due date"),
        }
        for n in range(1, ACTION_SLOTS + 1)
    ]
    return {
        "council_name": details.council_name,
        "framework_name": framework.name,
        "framework_version": framework.version,
        "template_version": ident.template_version,
        "audit_ref": ident.audit_ref,
        "ref_field": ff.Control(ff.bookmarked_text("qaf_ref", ident.audit_ref)),
        "actions_marker": ff.Control(ff.bookmarked_text("qaf_actions", "")),
        "case_id": ident.case_id,
        "child_name": details.child_name or "",
        "team": details.team,
        "worker": details.worker,
        "case_type": details.case_type,
        "auditor": details.auditor,
        "round_id": ident.round_id,
        "issued_on": uk(details.issued_on),
        "due_on": uk(details.due_on),
        "action_days": action_days,
        "sections": framework.sections,
        "domains": domains,
        "actions": actions,
        "f": _fields(framework),
    }


def _environment() -> jinja2.Environment:
    # StrictUndefined: a misspelt tag must fail loudly, not print an empty box on 200 audit tools.
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _template_problem(template: Path, exc: jinja2.TemplateError) -> TemplateError:
    """Turn a Jinja error into a message naming the tag and where it sits in the template."""
    near = ""
    quoted = re.findall(r"'([^']+)'", str(exc))
    context = getattr(exc, "docx_context", None)
    if context:
        text = " ".join(" ".join(line.split()) for line in context if line.strip())
        near = f" Near: “{text[:160]}”."
    elif quoted:
        found = _tag_mentioning(template, quoted[-1])
        near = f" It is in the text “{found}”." if found else ""
    tag = f" The tag uses '{quoted[-1]}'." if quoted else ""
    if isinstance(exc, jinja2.UndefinedError):
        what = f"a tag refers to something qaf does not provide ({exc.message})."
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        what = f"a tag is malformed ({exc.message})."
    else:
        what = f"{exc}."
    return TemplateError(
        f"Template {template.name} cannot be used: {what}{tag}{near} "
        "Fix the tag in Word (see README: Templates) or restore the default with "
        "'qaf init --restore-templates'."
    )


def _tag_mentioning(template: Path, name: str) -> str | None:
    """Return where a tag using ``name`` sits, as the text around it a person sees in Word."""
    from docx import Document

    doc = Document(str(template))
    units: list[str] = []  # paragraphs and table rows, in reading order
    for block in doc.element.body.iterchildren():
        rows = block.iterchildren(ff.qn_w("tr")) if block.tag == ff.qn_w("tbl") else [block]
        for unit in rows:
            cells = list(unit.iterchildren(ff.qn_w("tc"))) or [unit]
            text = " | ".join("".join(t.text or "" for t in c.iter(ff.qn_w("t"))) for c in cells)
            units.append(" ".join(text.split()))
    for section in doc.sections:
        units += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    pattern = re.compile(r"{[{%][^}]*\b" + re.escape(name) + r"\b[^}]*[}%]}")
    for i, unit in enumerate(units):
        if pattern.search(unit):
            before = next((u for u in reversed(units[:i]) if u.strip()), "")
            after = next((u for u in units[i + 1 :] if u.strip()), "")
            return f"{unit[:120]}” (after “{before[:60]}”, before “{after[:60]}"
    return None


def _not_a_template(template: Path, kind: str) -> TemplateError:
    return TemplateError(
        f"Template {template.name} is not a readable {kind} file (it may have been saved in an "
        f"old format or be damaged). Open it in Word or Excel and use Save As > {kind}, or "
        "restore the default with 'qaf init --restore-templates'."
    )


def write_audit_tool(
    template: Path, details: PackDetails, framework: Framework, action_days: int, out: Path
) -> Path:
    """Render the Word audit tool for one audit to ``out`` and return the path written."""
    tpl = DocxTemplate(str(template))
    try:
        tpl.render(
            audit_tool_context(details, framework, action_days), _environment(), autoescape=True
        )
    except jinja2.TemplateError as exc:
        raise _template_problem(template, exc) from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise _not_a_template(template, "Word Document (.docx)") from exc
    _add_custom_properties(tpl, details.identity)
    return atomic_write(out, lambda tmp: tpl.save(str(tmp)))


def _add_custom_properties(tpl: DocxTemplate, identity: Identity) -> None:
    package = tpl.docx.part.package
    blob = custom_properties_xml(identity.as_properties())
    for rel in package.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES:
            rel.target_part._blob = blob
            return
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CONTENT_TYPE, blob, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


# ---------------------------------------------------------------------------------------------------
# Excel action tracker

_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")


def find_actions_header(ws: Worksheet) -> int:
    """Return the row number of the actions table's header (the row whose first cells read No./Action)."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 40)):
        texts = [str(c.value).strip().lower() if c.value is not None else "" for c in row[:3]]
        if (
            len(texts) >= 2
            and texts[1].startswith("action")
            and texts[0] in ("no.", "no", "#", "number")
        ):
            return int(row[0].row)
    raise TemplateError(
        "The action tracker template has no actions table: a row starting 'No.' | 'Action' is needed."
    )


def write_action_tracker(
    template: Path,
    details: PackDetails,
    actions: Sequence[PackAction],
    out: Path,
    audit_date: date | None = None,
) -> Path:
    """Fill the Excel action tracker template for one audit and write it to ``out``."""
    try:
        wb = load_workbook(template)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _not_a_template(template, "Excel Workbook (.xlsx)") from exc
    ws = wb.worksheets[0]
    ident = details.identity
    values = {
        "council_name": details.council_name,
        "audit_ref": ident.audit_ref,
        "case_id": ident.case_id,
        "team": details.team,
        "worker": details.worker,
        "auditor": details.auditor,
        "round_id": ident.round_id,
        "audit_date": uk(audit_date) if audit_date else "to be confirmed",
        "issued_on": uk(details.issued_on),
    }
    header = find_actions_header(ws)
    for row in ws.iter_rows(min_row=1, max_row=header):
        for cell in row:
            if isinstance(cell.value, str) and "{{" in cell.value:
                text = _fill_placeholders(cell.value, values, template)
                set_text_cell(cell, text)
    first = header + 1
    if ws.cell(row=first, column=1).value == "{{ actions }}":
        ws.cell(row=first, column=1).value = None
    for i, action in enumerate(actions):
        r = first + i
        ws.cell(row=r, column=1, value=action.number)
        set_text_cell(ws.cell(row=r, column=2), action.description)
        set_text_cell(ws.cell(row=r, column=3), action.owner)
        ws.cell(row=r, column=4, value=action.due_on)
        set_text_cell(ws.cell(row=r, column=5), action.status)
        ws.cell(row=r, column=6, value=action.completed_on)
        set_text_cell(ws.cell(row=r, column=7), action.evidence)
        fit_row_height(ws, r, {2: action.description, 7: action.evidence})
    for name, value in ident.as_properties().items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    return atomic_write(out, lambda tmp: wb.save(tmp))


def _fill_placeholders(text: str, values: dict[str, str], template: Path) -> str:
    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise TemplateError(
                f"Template {template.name} uses '{{{{ {key} }}}}', which qaf does not provide. "
                f"Known names: {', '.join(sorted(values))}."
            )
        return values[key]

    return _PLACEHOLDER.sub(sub, text)


def pack_paths(packs_dir: Path, round_id: str, audit_ref: str) -> tuple[Path, Path]:
    """Return where an audit's Word tool and Excel tracker are written (named by audit ref only)."""
    folder = packs_dir / round_id
    return folder / f"{audit_ref}.docx", folder / f"{audit_ref}.xlsx"


def issued_at_now() -> str:
    """Return the current time as an ISO 8601 string, for the identity's issued-at."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def details_for(
    audit: AuditRecord, settings: Settings, *, kind: str, issued_at: str | None = None
) -> PackDetails:
    """Return what goes on an audit's pack, from the register's record and the settings."""
    identity = Identity(
        kind=kind,
        audit_ref=audit.audit_ref,
        case_id=audit.case_id,
        round_id=audit.round_id,
        framework_id=audit.framework_id,
        framework_version=audit.framework_version or "",
        template_version=audit.template_version or "",
        issued_at=issued_at or audit.issued_at or issued_at_now(),
        workspace_id=settings.workspace_id,
    )
    issued = datetime.fromisoformat(identity.issued_at).date()
    return PackDetails(
        identity=identity,
        team=audit.team,
        worker=audit.worker,
        case_type=audit.case_type,
        auditor=audit.auditor,
        issued_on=issued,
        due_on=audit.due_on or issued,
        council_name=settings.council_name,
        child_name=audit.child_name if settings.show_child_names else None,
    )


def generate_packs(
    ws: Workspace,
    register: Register,
    *,
    round_id: str | None = None,
    reissue: bool = False,
    on_pack: Callable[[str], None] | None = None,
) -> list[tuple[Path, Path]]:
    """Write the Word tool and Excel tracker for every allocated audit (or a round's, or reissue)."""
    settings = ws.load_settings()
    docx_template, xlsx_template = ws.template(AUDIT_TEMPLATE), ws.template(TRACKER_TEMPLATE)
    version = template_version(docx_template, xlsx_template)
    frameworks: dict[str, Framework] = {}
    written: list[tuple[Path, Path]] = []
    statuses = ("allocated", "issued") if reissue else ("allocated",)
    audits = [a for a in register.audits(round_id=round_id) if a.status in statuses]
    for audit in audits:
        if audit.framework_id not in frameworks:
            frameworks[audit.framework_id] = load_framework(audit.framework_id, base=ws.root)
        framework = frameworks[audit.framework_id]
        issued_at = issued_at_now()
        record = AuditRecord(
            **{
                **audit.__dict__,
                "framework_version": framework.version,
                "template_version": version,
                "issued_at": issued_at,
            }
        )
        docx_path, xlsx_path = pack_paths(ws.packs, audit.round_id, audit.audit_ref)
        days = (
            settings.validation.action_due_within_days
            or framework.timescales.action_due_within_days
        )
        write_audit_tool(
            docx_template,
            details_for(record, settings, kind="audit_tool"),
            framework,
            days,
            docx_path,
        )
        write_action_tracker(
            xlsx_template, details_for(record, settings, kind="action_tracker"), [], xlsx_path
        )
        register.mark_issued(
            audit.audit_ref,
            framework_version=framework.version,
            template_version=version,
            issued_at=issued_at,
        )
        written.append((docx_path, xlsx_path))
        if on_pack:
            on_pack(audit.audit_ref)
    return written
