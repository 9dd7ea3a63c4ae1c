"""The Word audit tool: the council's template rendered with the audit's details and form fields.

Every field an auditor fills is a Word content control (``office.content_controls``); the file
carries the audit's identity as custom document properties (``office.identity``).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docxtpl import DocxTemplate
from lxml import etree

from qaf_docs.dates import uk
from qaf_docs.frameworks import Framework
from qaf_docs.office import content_controls as ff
from qaf_docs.office.field_names import ACTIONS_TABLE
from qaf_docs.office.identity import CUSTOM_CONTENT_TYPE, custom_properties_xml
from qaf_docs.office.zip_members import write_zip
from qaf_docs.packs import form_parts as parts
from qaf_docs.packs.details import PackDetails
from qaf_docs.packs.fast_render import compiled_template
from qaf_docs.packs.properties import CustomProperties
from qaf_docs.packs.slot_render import SlotRenderer
from qaf_docs.packs.templates import (
    check_boxes,
    check_template_text,
    jinja_environment,
    not_a_template,
    template_problem,
    wrong_kind_of_file,
)
from qaf_docs.records import AuditResult, Identity
from qaf_docs.safe_output import atomic_write

ACTION_SLOTS = 8


def _fields(framework: Framework) -> dict[str, ff.Control]:
    # Overall and moderated grades are never "Not applicable": only domains may be.
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


def moderated_domain_field(key: str, title: str, grades: list[str]) -> dict[str, ff.Control]:
    """The moderator's grade for one practice area (issue 10)."""
    return {
        "moderated_grade": ff.dropdown_control(
            f"qaf_modgrade_{key}", f"{title}: moderated grade", grades
        )
    }


def smart_action_fields(n: int) -> dict[str, ff.Control]:
    """An action's SMART columns: immediate, success criterion, impact on the child (issue 10)."""
    return {
        "immediate": ff.checkbox_control(f"qaf_action_{n}_immediate", f"Action {n}: immediate"),
        "success": ff.text_control(f"qaf_action_{n}_success", f"Action {n}: success criterion"),
        "impact": ff.text_control(f"qaf_action_{n}_impact", f"Action {n}: impact on the child"),
    }


class NoLimit:
    """A due-date limit the framework does not set, as the template sees it: false to ``{% if
    action_days %}``, and "an agreed number of" where a template made before limits could be left
    out prints it ("within {{ action_days }} days"), never "None"."""

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return "an agreed number of"

    __html__ = __str__  # Jinja's autoescape asks for this


def _limit(days: int | None) -> int | NoLimit:
    return NoLimit() if days is None else days


def _roles(roles: list[str]) -> str:
    """Roles as a sentence says them: "the Team Manager, the Service Manager and the Head of
    Service". Each keeps its own "the", so a role holding a comma ("Assistant Director for
    Safeguarding, Quality and Practice") cannot be read as more roles than there are."""
    named = [f"the {r}" for r in roles]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def concern_roles(framework: Framework) -> str:
    """Who an immediate safeguarding concern is raised with, in the framework's order.

    West Sussex escalates to the Team Manager, Service Manager and Head of Service and
    "additionally" has the auditor notify two more: the form says so in two parts, not one list
    in which "Safeguarding, Quality and Practice" reads as two more roles.
    """
    escalate = list(framework.escalation.immediate_concerns)
    notify = list(framework.escalation.immediate_concerns_notify)
    if not escalate:
        escalate, notify = notify, []
    if not escalate:
        return "your manager and the QA team"
    said = _roles(escalate)
    return f"{said}, and tell {_roles(notify)}" if notify else said


_MONTHS = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")


def review_title(framework: Framework) -> str:
    """The heading of a re-audit's review of the earlier audit.

    West Sussex's document names it "Three Month Review of Actions and Progress", after its
    "re-audit at three months"; a framework that gives no re-audit interval (qaf's default of 3
    months applies) is not given West Sussex's heading, nor an interval it never set.
    """
    timescales = framework.timescales
    if "reaudit_after_months" not in timescales.model_fields_set:
        return "Review of Actions and Progress"
    months = timescales.reaudit_after_months
    said = _MONTHS[months - 1] if months <= len(_MONTHS) else str(months)
    return f"{said} Month Review of Actions and Progress"


def lifecycle_context(framework: Framework, previous: AuditResult | None) -> dict[str, Any]:
    """The concern box and, on a re-audit, the earlier audit's grades and actions (issue 10)."""
    earlier = None
    if previous is not None:
        earlier = {
            "title": review_title(framework),
            "audit_ref": previous.audit_ref,
            "audit_date": uk(previous.audit_date or previous.returned_on),
            "grade": previous.final_grade or "not graded",
            "domains": [
                {"domain": d.domain, "grade": d.grade or "", "rationale": d.rationale}
                for d in previous.domains
            ],
            "actions": [
                {
                    "description": a.description,
                    "owner": a.owner,
                    "due_on": uk(a.due_on),
                    "status": a.status + (" (overdue)" if a.overdue else ""),
                }
                for a in previous.actions
            ],
        }
    return {
        "immediate_days": _limit(framework.timescales.immediate_action_working_days),
        "concern_roles": concern_roles(framework),
        "previous": earlier,
        "concern_fields": {
            "concern": ff.checkbox_control("qaf_concern", "Immediate safeguarding concern"),
            "concern_text": ff.text_control("qaf_concern_text", "What the concern is"),
        },
    }


def framework_context(framework: Framework) -> dict[str, Any]:
    """The values every audit tool of ``framework`` shares: its sections, grades and form fields.

    Most of a tool's controls (every grade, rationale, indicator box and action cell) are the same
    for every case, so a writer builds these once per framework and only the case's own values per
    audit (``case_context``).
    """
    domains = [
        {
            "key": d.key,
            "title": d.title,
            "prompts": d.prompts,
            "grade": ff.dropdown_control(
                f"qaf_grade_{d.key}", f"{d.title}: grade", framework.scale.choices
            ),
            "rationale": ff.text_control(f"qaf_rationale_{d.key}", f"{d.title}: rationale"),
            "indicators": parts.indicator_groups(framework, d.key),
            **moderated_domain_field(d.key, d.title, framework.scale.choices),
        }
        for d in framework.domains
    ]
    actions = [
        {
            "number": n,
            "description": ff.text_control(f"qaf_action_{n}", f"Action {n}"),
            "owner": ff.text_control(f"qaf_action_{n}_owner", f"Action {n}: owner"),
            "due": ff.date_control(f"qaf_action_{n}_due", f"Action {n}: due date"),
            **smart_action_fields(n),
        }
        for n in range(1, ACTION_SLOTS + 1)
    ]
    period = framework.audit_period
    lifecycle = lifecycle_context(framework, None)
    return {
        "audit_period": (period.wording or f"The last {period.months} months") if period else "",
        "descriptors": parts.descriptors(framework),
        "grade_note": framework.scale.note,
        "guidance": framework.guidance,
        "text_sections": parts.text_sections(framework),
        "missing_history": parts.missing_history(framework),
        "moderation": parts.moderation(framework),
        "agencies": parts.agency_sections(framework),
        "agency_wording": framework.agencies,
        "framework_name": framework.name,
        "framework_version": framework.version,
        "sections": framework.sections,
        "domains": domains,
        # The instructions ask for ticks and dates only where this framework has them.
        "has_indicators": any(d["indicators"] for d in domains),
        # and say how to answer an area that does not apply only where the drop-down offers it.
        "not_applicable": framework.scale.not_applicable,
        # and have an Immediate column only where the framework has immediate actions.
        "asks_immediate": framework.timescales.asks_immediate,
        "actions": actions,
        "f": {**_fields(framework), **lifecycle.pop("concern_fields")},
        **lifecycle,
    }


def case_context(
    details: PackDetails,
    framework: Framework,
    action_days: int | None,
    previous: AuditResult | None = None,
) -> dict[str, Any]:
    """The values that belong to one audit: who, which case, its facts and any earlier audit."""
    ident = details.identity
    context = {
        "council_name": details.council_name,
        "case_facts": parts.fact_rows(
            details.case_facts, framework, details.case_type, details.issued_on
        ),
        "template_version": ident.template_version,
        "audit_ref": ident.audit_ref,
        "ref_field": ff.Control(ff.bookmarked_text("qaf_ref", ident.audit_ref)),
        "actions_marker": ff.Control(ff.bookmarked_text(ACTIONS_TABLE, "")),
        "case_id": ident.case_id,
        "child_name": details.child_name or "",
        "team": details.team,
        "worker": details.worker,
        "case_type": parts.case_type_label(details.case_type),
        "auditor": details.auditor,
        "round_id": ident.round_id,
        "issued_on": uk(details.issued_on),
        "due_on": uk(details.due_on),
        "action_days": _limit(action_days),
    }
    if previous is not None:
        context["previous"] = lifecycle_context(framework, previous)["previous"]
    return context


def audit_tool_context(
    details: PackDetails,
    framework: Framework,
    action_days: int | None,
    previous: AuditResult | None = None,
) -> dict[str, Any]:
    """Return the values the Word template is rendered with."""
    return {
        **framework_context(framework),
        **case_context(details, framework, action_days, previous),
    }


class AuditToolWriter:
    """Writes audit tools from one template, compiled once: from slot plans where exact
    (``slot_render``), else rendered by the compiled template (``fast_render``), else by docxtpl.
    """

    def __init__(self, template: Path) -> None:
        self.template = template
        env, self.compiled = compiled_template(template, jinja_environment)
        self.slots = SlotRenderer(self.compiled, env) if self.compiled is not None else None
        self._properties = CustomProperties()
        self._shared: dict[tuple[str, str], tuple[Framework, dict[str, Any]]] = {}
        self._text_checked = False

    def _framework_context(self, framework: Framework) -> dict[str, Any]:
        # One dict per framework, never changed: slot plans are keyed by its identity.
        key = (framework.id, framework.version)
        known = self._shared.get(key)
        if known is None or known[0] is not framework:  # another load (edited since?): again
            known = self._shared[key] = (framework, framework_context(framework))
        return known[1]

    def check(
        self,
        details: PackDetails,
        framework: Framework,
        action_days: int | None,
        previous: AuditResult | None = None,
        variants: Iterable[Callable[[dict[str, Any]], dict[str, Any]]] = (),
    ) -> None:
        """Refuse the template (TemplateError) if the tool rendered for one audit of ``framework``
        lacks a box its forms need, or if a broken tag is met with any of ``variants`` of its
        values (``template_check``: the parts only some audits show); nothing is written.
        A few audits per run, never per pack.
        """
        context = {
            **self._framework_context(framework),
            **case_context(details, framework, action_days, previous),
        }
        parts = self.compiled.render_parts(context) if self.compiled is not None else None
        if parts:  # the body is the first part
            root = etree.fromstring(parts[0].xml.encode("utf-8"))
        else:
            root = rendered_tool(self.template, context).docx.element
        check_boxes(self.template, root, framework)
        if not self._text_checked:  # once readable: what renders and still spoils forms
            check_template_text(self.template)
            self._text_checked = True
        for variant in variants:
            other = {**context, **variant(context)}
            if self.compiled is None or self.compiled.render_parts(other) is None:
                rendered_tool(self.template, other)  # raises naming the tag

    def compared(self, names: Collection[str]) -> frozenset[str]:
        """Those of ``names`` the template does more with than print or test: ``== "CP"``."""
        if self.compiled is None:
            return frozenset(names)
        return self.compiled.usage.of(names).structural

    def write(
        self,
        details: PackDetails,
        framework: Framework,
        action_days: int | None,
        out: Path,
        previous: AuditResult | None = None,
        *,
        durable: bool = True,
    ) -> Path:
        """Render the Word audit tool for one audit to ``out`` and return the path written.

        ``previous``: on a re-audit, the case's earlier audit, shown for the three-month review.
        ``durable=False``: the caller flushes the file to disk (``safe_output.make_durable``).
        """
        shared = self._framework_context(framework)
        case = case_context(details, framework, action_days, previous)
        if self.slots is not None:
            props = self._properties.xml(details.identity.as_properties())
            members = self.slots.render(shared, case, props)
            if members is not None:
                return atomic_write(out, lambda tmp: write_zip(tmp, members), durable=durable)
        return render_audit_tool(self.template, {**shared, **case}, details.identity, out)


def write_audit_tool(
    template: Path,
    details: PackDetails,
    framework: Framework,
    action_days: int | None,
    out: Path,
    previous: AuditResult | None = None,
) -> Path:
    """Render the Word audit tool for one audit to ``out`` with plain docxtpl; return the path.

    ``previous``: on a re-audit, the case's earlier audit, shown for the three-month review.
    """
    context = audit_tool_context(details, framework, action_days, previous)
    return render_audit_tool(template, context, details.identity, out)


def render_audit_tool(
    template: Path, context: dict[str, Any], identity: Identity, out: Path
) -> Path:
    """Render the Word template with ``context`` to ``out`` with plain docxtpl; return the path."""
    return save_audit_tool(rendered_tool(template, context), identity, out)


def rendered_tool(template: Path, context: dict[str, Any]) -> DocxTemplate:
    """Return the Word template rendered with ``context`` by plain docxtpl, not yet saved."""
    tpl = DocxTemplate(str(template))
    try:
        tpl.render(context, jinja_environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise template_problem(template, exc) from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise not_a_template(template, "Word Document (.docx)") from exc
    except ValueError as exc:  # python-docx: a package of another kind (.dotx, .docm, .xlsx)
        raise wrong_kind_of_file(template, str(exc)) from exc
    return tpl


def save_audit_tool(tpl: DocxTemplate, identity: Identity, out: Path) -> Path:
    """Write a rendered audit tool to ``out`` with the audit's identity; return the path."""
    _add_custom_properties(tpl, identity)
    return atomic_write(out, lambda tmp: tpl.save(str(tmp)))


def _add_custom_properties(tpl: DocxTemplate, identity: Identity) -> None:
    package = tpl.docx.part.package
    blob = custom_properties_xml(identity.as_properties())
    # A council's template may carry custom properties of its own: replace that part, keep the rest.
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES:
            package.rels.pop(r_id)
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CONTENT_TYPE, blob, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)
