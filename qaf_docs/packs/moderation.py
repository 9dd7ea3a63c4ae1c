"""The moderation form (``qaf generate --moderation``): the audit tool as the auditor returned it —
grades, rationales, sections and actions pre-filled from the register — with the moderation section
left for the moderator. It carries the audit's own identity, so the moderator's copy comes back
through the inbox as the audit's latest form (the auditor's stays in the register's history).

It is made from, and carries the fingerprint of, the framework text the auditor's form was read
against (the register keeps it), so a framework file edited meanwhile neither drops a practice
area the auditor graded nor asks the moderator for one the audit never had. A form recorded
before the register kept that fingerprint is moderated against the framework file as it is now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from qaf_docs.errors import QafError, TemplateError
from qaf_docs.frameworks import Framework, kept_framework, load_framework
from qaf_docs.messages import fold
from qaf_docs.office import content_controls as ff
from qaf_docs.office import field_names as names
from qaf_docs.packs import form_parts as parts
from qaf_docs.packs.audit_tool import audit_tool_context, rendered_tool, save_audit_tool
from qaf_docs.packs.details import details_for
from qaf_docs.packs.templates import check_boxes, template_version
from qaf_docs.records import AuditRecord, AuditResult, Identity
from qaf_docs.register.lifecycle import CONCERN_LEVEL, NO_CONCERN_TEXT
from qaf_docs.register.store import Register
from qaf_docs.workspace import AUDIT_TEMPLATE, TRACKER_TEMPLATE, Workspace

MODERATION_FOLDER = "moderation"


def moderation_context(
    context: dict[str, Any], framework: Framework, result: AuditResult, form: dict[str, Any]
) -> dict[str, Any]:
    """Pre-fill a rendered audit tool's context with what the auditor returned."""
    grades = framework.scale.grades
    by_title = {d.domain: d for d in result.domains}
    for d, field in zip(framework.domains, context["domains"], strict=True):
        given = by_title.get(d.title)
        if given is None:
            continue
        field["grade"] = ff.dropdown_control(
            f"qaf_grade_{d.key}", f"{d.title}: grade", grades, given.grade or ""
        )
        field["rationale"] = ff.text_control(
            f"qaf_rationale_{d.key}", f"{d.title}: rationale", given.rationale
        )
    f = context["f"]
    f["overall_grade"] = ff.dropdown_control(
        "qaf_overall_grade", "Overall grade", grades, result.overall_grade or ""
    )
    f["overall_rationale"] = ff.text_control(
        "qaf_overall_rationale", "Overall rationale", form["overall_rationale"]
    )
    f["audit_date"] = ff.date_control("qaf_audit_date", "Date of audit", form["audit_date"])
    f["practitioner_present"] = ff.checkbox_control(
        "qaf_practitioner_present", "Practitioner took part", bool(form["practitioner_present"])
    )
    for key, text in form["texts"].items():
        if key in f and text:
            f[key] = ff.text_control(f"qaf_{key}", key.replace("_", " ").capitalize(), text)
    _carry_the_rest(context, framework, result, form)
    # An action the auditor ticked Immediate on a form that had the column keeps its tick: the
    # moderator's copy comes back as the audit's latest form.
    if any(a.immediate for a in result.actions):
        context["asks_immediate"] = True
    for slot, action in zip(context["actions"], result.actions, strict=False):
        n = slot["number"]
        slot["description"] = ff.text_control(f"qaf_action_{n}", f"Action {n}", action.description)
        slot["owner"] = ff.text_control(f"qaf_action_{n}_owner", f"Action {n}: owner", action.owner)
        slot["due"] = ff.date_control(f"qaf_action_{n}_due", f"Action {n}: due date", action.due_on)
        slot["immediate"] = ff.checkbox_control(
            f"qaf_action_{n}_immediate", f"Action {n}: immediate", action.immediate
        )
        slot["success"] = ff.text_control(
            f"qaf_action_{n}_success", f"Action {n}: success criterion", action.success_criteria
        )
        slot["impact"] = ff.text_control(
            f"qaf_action_{n}_impact", f"Action {n}: impact on the child", action.impact_on_child
        )
    return context


def _carry_the_rest(
    context: dict[str, Any], framework: Framework, result: AuditResult, form: dict[str, Any]
) -> None:
    """Pre-fill what else the auditor recorded: the indicators ticked, each section's text, the
    missing-history box, the agencies' sections and the safeguarding concern. The moderator's copy
    comes back as the audit's latest form, so whatever it lacked would be lost from the register."""
    by_title = {d.domain: d for d in result.domains}
    for d, field in zip(framework.domains, context["domains"], strict=True):
        given = by_title.get(d.title)
        if given is not None and given.indicators:
            field["indicators"] = parts.indicator_groups(framework, d.key, given.indicators)
    texts: dict[str, str] = form["texts"]
    for section in context["text_sections"]:
        if texts.get(section["key"]):
            name = names.section_field(section["key"])
            section["box"] = ff.text_control(name, section["title"], texts[section["key"]])
    missing = context.get("missing_history")
    if missing:
        missing["box"] = ff.checkbox_control(
            names.MISSING_HISTORY, "Historical information missing", bool(form["missing_history"])
        )
        details = texts.get("missing_historical_information", "")
        missing["details"] = ff.text_control(
            names.section_field("missing_historical_information"), missing["title"], details
        )
    _carry_agencies(context["agencies"], result)
    concern = next((e for e in result.escalations if e.level == CONCERN_LEVEL), None)
    if concern is not None:
        f = context["f"]
        f["concern"] = ff.checkbox_control("qaf_concern", "Immediate safeguarding concern", True)
        said = "" if concern.reason == NO_CONCERN_TEXT else concern.reason
        f["concern_text"] = ff.text_control("qaf_concern_text", "What the concern is", said)


def _carry_agencies(slots: list[dict[str, Any]], result: AuditResult) -> None:
    """Each agency's section in the slot printed with its name, else the next blank one."""
    free = list(slots)
    for found in result.agencies:
        slot = next(
            (s for s in free if fold(s["default"]) == fold(found.agency) and s["default"]),
            next((s for s in free if not s["default"]), None),
        )
        if slot is None:
            break
        free.remove(slot)
        n, label = slot["number"], found.agency or f"Agency {slot['number']}"
        slot["name"] = ff.text_control(names.agency_field(n, "name"), f"Agency {n}", found.agency)
        for part in ("lead", "contribution", "finding"):
            slot[part] = ff.text_control(
                names.agency_field(n, part), f"{label}: {part}", getattr(found, part)
            )


def write_moderation_forms(ws: Workspace, register: Register, audit_refs: list[str]) -> list[Path]:
    """Write ``outbox/moderation/<audit ref>.docx`` for each returned audit; return the paths."""
    settings = ws.load_settings()
    template = ws.template(AUDIT_TEMPLATE)
    version = template_version(template, ws.template(TRACKER_TEMPLATE))
    if audit_refs and version not in register.template_versions():
        raise TemplateError(
            "The audit tool template has changed since these audits were issued, so a moderation "
            "form made from it would not be recognised when it comes back. Moderate in the "
            "moderation section of the form the auditor returned instead."
        )
    results = {r.audit_ref: r for r in register.results()}
    # Every form is rendered, and the template checked, before the first one is written.
    rendered: list[tuple[DocxTemplate, Identity, Path]] = []
    checked: set[tuple[str, str]] = set()
    for ref in audit_refs:
        audit = register.audit(ref)
        form = register.returned_form(ref)
        if audit is None or form is None:
            continue
        framework, sha256 = _read_against(ws, register, audit, form["framework_sha256"])
        _refuse_areas_left_out(ref, framework, results[ref])
        record = AuditRecord(
            **{
                **audit.__dict__,
                "template_version": version,
                "framework_version": framework.version if sha256 else audit.framework_version,
                "framework_sha256": sha256,
            }
        )
        # The original issue time is kept: the audit's date is checked against it.
        details = details_for(record, settings, kind="audit_tool")
        days = settings.validation.action_window(framework.timescales.action_due_within_days)
        context = moderation_context(
            audit_tool_context(details, framework, days), framework, results[ref], form
        )
        tpl = rendered_tool(template, context)
        if (framework.id, sha256) not in checked:
            check_boxes(template, tpl.docx.element, framework)
            checked.add((framework.id, sha256))
        rendered.append((tpl, details.identity, ws.outbox / MODERATION_FOLDER / f"{ref}.docx"))
    return [save_audit_tool(tpl, identity, out) for tpl, identity, out in rendered]


def _read_against(
    ws: Workspace, register: Register, audit: AuditRecord, sha256: str
) -> tuple[Framework, str]:
    """The framework the auditor's form was read against and the fingerprint the moderation form
    carries: the text the register kept under ``sha256``, else the file as it is now and ""."""
    text = register.framework_text_of(sha256) if sha256 else None
    kept = kept_framework(audit.framework_id, text) if text is not None else None
    if kept is not None:
        return kept, sha256
    return load_framework(audit.framework_id, base=ws.root), ""


def _refuse_areas_left_out(ref: str, framework: Framework, result: AuditResult) -> None:
    """Refuse, before any form is written, a moderation form without a practice area the auditor
    filled in: the moderator's copy comes back as the audit's latest form and would lose it. (Only
    a form recorded before the register kept its framework text, and the file has lost the area.)"""
    known = {d.title for d in framework.domains}
    lost = [d for d in result.domains if d.domain not in known and (d.grade or d.rationale)]
    if not lost:
        return
    areas = ", ".join(f"'{d.domain}'" + (f" (graded '{d.grade}')" if d.grade else "") for d in lost)
    raise QafError(
        f"The form returned for audit {ref} records the practice area{'s' if len(lost) > 1 else ''} "
        f"{areas}, which the framework file ({framework.name}) no longer has, so a moderation "
        "form made now would leave it out and the moderator's copy would lose the auditor's "
        "answers there. No moderation form was written. Put the area back in the framework "
        "file and run qaf generate --moderation again."
    )
