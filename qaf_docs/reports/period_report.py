"""The quarterly, half-year, annual and round reports: the council's Word template, filled.

``templates/quarterly_report.docx`` is an ordinary Word file with docxtpl tags that a council restyles
(logo, wording). The same template serves a round's overview; its close-the-loop section only shows
for a round. A broken template gets a TemplateError naming it; nothing is written half-done.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from qaf_docs import clock
from qaf_docs.dates import uk
from qaf_docs.errors import QafError, TemplateError, unknown_round
from qaf_docs.frameworks import Framework
from qaf_docs.frameworks.scale import Scale
from qaf_docs.records import AuditResult
from qaf_docs.register.checkpoints import CLOSE_LOOP_KINDS
from qaf_docs.register.store import Register
from qaf_docs.reports import figures, reaudits, report_charts, tier_one, trend_scope
from qaf_docs.reports.figures import pct
from qaf_docs.reports.names import Pseudonyms, without_child
from qaf_docs.reports.periods import Period
from qaf_docs.reports.report_content import build_context, with_steps
from qaf_docs.safe_output import atomic_write, windows_name
from qaf_docs.workspace import REPORT_TEMPLATE, Workspace, bundled_templates, frameworks_of

_TREND_PERIODS = 4


def build_period_report(
    workspace: Workspace,
    register: Register,
    period: Period,
    today: date | None = None,
    warnings: list[str] | None = None,
) -> Path:
    """Write ``outbox/reports/QA_report_<period>.docx`` for a quarter, half-year or year.

    ``warnings`` gets what the user should know about the report (a period with no audits).
    """
    today = today or clock.today()
    results = register.results()
    chosen = figures.in_period(results, period.start, period.end)
    if not chosen and warnings is not None:
        future = " (the period has not begun yet)" if period.start > today else ""
        warnings.append(f"there are no audits in {period.title}{future}; the report says so.")
    every = [(p.short, figures.in_period(results, p.start, p.end))
             for p in [*period.previous(_TREND_PERIODS), period]]  # fmt: skip
    while len(every) > 1 and not every[0][1]:
        every.pop(0)  # periods before the first audit say nothing; a gap after it does
    # Re-audits, deep dives and audits at closure are not samples (cases chosen for an Inadequate
    # grade, on a theme, at closure): the trend of routine audits leaves them out, and the report
    # gives each its own place (Cases audited again; Deep dives and audits at closure).
    default = workspace.load_framework()
    main = default.id  # another framework's rounds are their own
    trend = [(label, trend_scope.routine(items, main)) for label, items in every]
    left_out = [trend_scope.left_out(items, main) for _, items in every]
    title = f"Case file audit report: {period.title}"
    missed = reaudits.reaudits_missed(
        results, frameworks_of(workspace), period.start, period.end, today
    )
    extra = {
        "period": period.label,
        "period_title": period.title,
        # A council's older template lists these in a sentence; the default, in a table.
        "reaudits_missed": [
            f"{a.audit_ref} (case {a.case_id}, due {uk(due)})" for a, due in missed
        ],
        "missed_reaudits": [
            {"ref": a.audit_ref, "case": a.case_id, "due": uk(due)} for a, due in missed
        ],
        "covers": f"the audits dated from {period.title}",
        "is_round": False,
        "close_loop": False,
        "scope": "period",
        "trend_covers": trend_scope.trend_covers(left_out, period.noun, default.name),
        "own_rounds": own_rounds(register, chosen, frameworks_of(workspace), main),
        # Only a period with tier-one audits: other frameworks' reports are as they were.
        "tier_one": tier_one.activity(
            results,
            tier_one.recorded_rounds(register, chosen),
            period.start,
            period.end,
            noun=period.noun,
            title=period.title,
            today=today,
            scale=_tier_one_scale(workspace, chosen),
        ),
    }
    target = period_report_path(workspace, period)
    due = (period.noun, figures.due_in(results, period.start, period.end))
    before = period.previous(1)[0].title
    return _render(
        workspace, results, chosen, trend, title, extra, target, today, due=due, previous=before,
        left_out=trend_scope.kinds_words(k for each in left_out[-2:] for k in each),
    )  # fmt: skip


def build_round_report(
    workspace: Workspace, register: Register, round_id: str, today: date | None = None
) -> Path:
    """Write ``outbox/reports/round_<ROUND>.docx``: one round's overview with its checkpoints."""
    today = today or clock.today()
    results = register.results()
    chosen = [a for a in figures.counted(results) if a.round_id == round_id]
    if not any(a.round_id == round_id for a in results):
        if register.round_row(round_id) is None:
            raise QafError(unknown_round(round_id, register.round_ids()))
        raise QafError(f"Round {round_id} holds no audits, so there is nothing to report on.")
    if not chosen:  # not "There were no audits in …" over a round whose audits were cancelled
        n = sum(a.round_id == round_id for a in results)
        every = "its 1 audit was" if n == 1 else f"all {n} of its audits were"
        raise QafError(f"Round {round_id}: {every} cancelled, so there is nothing to report on.")
    # The trend is of rounds of the same framework: a multi-agency round's grades say nothing
    # of whether the collaborative audits before it were getting better. Nor is a re-audit round,
    # a deep dive or a round of audits at closure set beside the routine rounds drawn as a
    # sample, or beside each other: each chose its cases its own way, so each has its own trend.
    own = {a.framework_id for a in chosen}
    kind = (register.round_row(round_id) or {}).get("kind") or next(
        (a.round_kind for a in chosen if a.round_kind), None
    )
    kind = str(kind) if kind else None
    by_round: dict[str, list[AuditResult]] = {}
    for a in figures.counted(results):
        if a.framework_id in own and trend_scope.group(a.round_kind) == trend_scope.group(kind):
            by_round.setdefault(a.round_id, []).append(a)
    order = sorted(by_round, key=lambda r: figures.round_start(by_round[r]) or date.min)
    earlier = (
        order[: order.index(round_id) + 1][-(_TREND_PERIODS + 1) :] if round_id in order else []
    )
    trend = [(trend_scope.round_name(r), by_round[r]) for r in earlier]
    thematic = any(a.round_kind in CLOSE_LOOP_KINDS for a in chosen)
    recorded = [c for c in register.checkpoints(frameworks_of(workspace)) if c.round_id == round_id]
    names = Pseudonyms(results, chosen)
    theme = _theme(register, round_id)
    name = trend_scope.round_name(round_id)
    extra = {
        "period": round_id,
        "period_title": name if name != round_id else f"round {round_id}",
        "covers": _covers(round_id, name) + (f", on the theme {theme}" if theme else ""),
        # Only thematic rounds are closed at 6 weeks and 3 months (West Sussex); older templates
        # show the section when ``is_round`` is true, so it follows ``close_loop``.
        "is_round": thematic,
        "close_loop": thematic,
        "scope": "round",
        "trend_covers": trend_scope.round_trend_covers(kind)
        if len(trend) > 1 or trend_scope.group(kind) != trend_scope.ROUTINE
        else "",
        "own_rounds": [],  # a deep dive's own report is this one
        "tier_one": None,  # counted against the months of a period, not a round
        "reaudits_missed": [],  # a round's own re-audits are in its Inadequate count
        "missed_reaudits": [],
        "checkpoints_note": ""
        if recorded
        else "The checkpoints are set when every audit of this round has come back: 6 weeks and "
        "3 months from the day the last one did.",
        "checkpoints": [
            {
                "name": c.name,
                "date": f"{c.due_on:%d/%m/%Y}",
                "actions": c.actions,
                "done": c.completed_by_then,
                "share": pct(c.share) if c.reached else "not yet due",
                "state": f"recorded {c.done_on:%d/%m/%Y}"
                if c.done_on
                else "due, not recorded yet"
                if c.reached
                else "not yet due",
                "found": names.scrub(_without_children(c.note, chosen)) or "Not recorded yet",
            }
            for c in figures.checkpoints(chosen, recorded, today)
        ],
    }
    # Non-breaking hyphens keep "2026-11-simple" on one line when the title wraps.
    title = f"Audit round overview: {unbroken(name)}" + (f" ({theme})" if theme else "")
    target = round_report_path(workspace, round_id)
    # A round is audited under one framework: its areas, scale and wording, not the default's.
    framework_id = str(
        (register.round_row(round_id) or {}).get("framework_id")
        or next((a.framework_id for a in chosen if a.framework_id), "")
    )
    framework = frameworks_of(workspace)(framework_id) if framework_id else None
    if framework is not None and framework.id != workspace.load_settings().framework:
        # Beside the monthly audit, a round of another framework says which it is.
        extra["covers"] = f"{extra['covers']}, audited with the {framework.name}"
    return _render(
        workspace, results, chosen, trend, title, extra, target, today, framework,
        kind=kind,
    )  # fmt: skip


def _covers(round_id: str, name: str) -> str:
    """What a round's report covers: the round as people call it, and its reference."""
    if name == round_id:  # a round id qaf did not make says nothing more as a name
        return f"the audits of round {round_id}"
    return f"the audits of the round {name} ({round_id})"


def own_rounds(
    register: Register, chosen: list[AuditResult], load: Callable[[str], Framework], main: str
) -> list[dict[str, Any]]:
    """The period's deep dives, rounds of audits at closure and rounds of frameworks other than
    ``main``, each as its own row: its name and theme, and its figures under its own framework's
    scale."""
    rows = trend_scope.own_rounds(chosen, load, lambda r: _theme(register, r), main)
    return [
        {"name": g.name, "planned": g.planned, "returned": g.returned, "graded": g.graded,
         "good": pct(g.good_share), "inadequate": pct(g.inadequate_share)}
        for g in rows
    ]  # fmt: skip


def _tier_one_scale(workspace: Workspace, chosen: list[AuditResult]) -> Scale | None:
    """The grades of the period's tier-one audits' framework (B&NES's), or None without any."""
    found = next((a.framework_id for a in chosen if a.round_kind == tier_one.KIND), None)
    return frameworks_of(workspace)(found).scale if found else None


def _theme(register: Register, round_id: str) -> str:
    """A deep dive's theme as its round was drawn ("Neglect (Latest Category of Abuse)"), or ""."""
    return trend_scope.theme(register.round_row(round_id))


def _without_children(text: str, audits: list[AuditResult]) -> str:
    """A round's note with the names of the round's children taken out."""
    for a in audits:
        text = without_child(text, a.child_name)
    return text


def unbroken(text: str) -> str:
    """Return ``text`` with its hyphens made non-breaking (Word wraps a title there otherwise)."""
    return text.replace("-", "\u2011")


def period_report_path(workspace: Workspace, period: Period) -> Path:
    """Where the report on ``period`` goes (a copy beside it when this one is open in Word)."""
    return workspace.reports_dir / f"QA_report_{period.label}.docx"


def round_report_path(workspace: Workspace, round_id: str) -> Path:
    """Where the report on round ``round_id`` goes (a copy beside it when this one is open)."""
    # Not "_" for every space and dot: "Q1 2026" and "Q1_2026" would share one report.
    return workspace.reports_dir / f"round_{windows_name(round_id)}.docx"


def _render(
    workspace: Workspace,
    results: list[AuditResult],
    chosen: list[AuditResult],
    trend: list[tuple[str, list[AuditResult]]],
    title: str,
    extra: dict[str, Any],
    target: Path,
    today: date,
    framework: Framework | None = None,
    *,
    due: tuple[str, list[AuditResult]] | None = None,
    previous: str = "",
    left_out: str = "",
    kind: str | None = None,
) -> Path:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    settings = workspace.load_settings()
    framework = framework or workspace.load_framework(settings)
    goal = settings.reports.inadequate_target
    if not (workspace.templates / REPORT_TEMPLATE).exists():
        # A workspace made before reports existed gets the default, which the council can restyle.
        workspace.templates.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            bundled_templates() / REPORT_TEMPLATE, workspace.templates / REPORT_TEMPLATE
        )
    template = workspace.template(REPORT_TEMPLATE)
    context = build_context(
        results, chosen, framework, today=today, target=goal, trend=trend, scope=extra["scope"],
        due=due, previous_title=previous, left_out=left_out, kind=kind,
    )  # fmt: skip
    context.update(extra)
    # A period's tier-one shortfalls lead its next steps (B&NES: what is being done about them).
    context["next_steps"] = with_steps((extra.get("tier_one") or {}).get("next_steps"), context)
    context.update(title=title, council=settings.council_name, built=f"{today:%d %B %Y}",
                   framework=framework.name if hasattr(framework, "name") else "")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="qaf-report-") as tmp:
        folder = Path(tmp)
        try:
            doc = DocxTemplate(str(template))
            doc.get_undeclared_template_variables()  # parses the whole template: tag errors show here
        except Exception as e:  # docxtpl raises zip, XML and Jinja errors alike
            raise TemplateError(f"Report template {template} cannot be read: {e}") from e
        pictures = {
            "chart_domains": report_charts.grades_by_domain(
                context["counts"], context["colours"], folder / "domains.png"
            ),
            "chart_teams": report_charts.grades_by_team(
                context["team_counts"], context["colours"], folder / "teams.png"
            ),
            # One point is no trend: the report says there is nothing earlier to compare with.
            "chart_trend": report_charts.trend(
                [r["name"] for r in context["trend"]["rows"]],
                [_share(r["good"]) for r in context["trend"]["rows"]],
                [_share(r["inadequate"]) for r in context["trend"]["rows"]],
                goal, folder / "trend.png", f"Trend against earlier {extra['scope']}s",
            ) if not context["trend_note"] else None,
        }  # fmt: skip
        for key, path in pictures.items():
            context[key] = InlineImage(doc, str(path), width=Mm(160)) if path else ""
        try:
            doc.render(context, autoescape=True)
        except Exception as e:
            raise TemplateError(
                f"Report template {template} could not be filled: {type(e).__name__}: {e}"
            ) from e
        rows_kept_whole(doc.docx.element.body)
        sentences_kept_with_tables(doc.docx.element.body)
        short_tables_kept_together(doc.docx.element.body)
        target.parent.mkdir(parents=True, exist_ok=True)
        return atomic_write(target, lambda tmp_path: doc.save(str(tmp_path)))


def rows_kept_whole(body: Any) -> None:
    """Mark every table row of ``body`` "don't split across pages" (Word's Table Properties ›
    Row): a name wrapping onto two lines at a page's foot otherwise leaves its figures on one page
    and the rest of the name on the next. The council's own template gets it too."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for row in body.iter(qn("w:tr")):
        properties = row.get_or_add_trPr()
        if properties.find(qn("w:cantSplit")) is None:
            properties.insert(0, OxmlElement("w:cantSplit"))


def sentences_kept_with_tables(body: Any) -> None:
    """Mark the paragraph right before each table "keep with next": a table's introduction
    ("Audits expected: each role's monthly number × …") or its chart otherwise ends one page and
    the table starts the next. Headings already keep with what follows them."""
    from docx.oxml.ns import qn

    previous = None
    for block in body:
        if (
            block.tag == qn("w:tbl")
            and previous is not None
            and previous.tag == qn("w:p")
            and (
                "".join(previous.itertext()).strip()
                or previous.find(".//" + qn("w:drawing")) is not None  # a chart over its table
            )
        ):
            previous.get_or_add_pPr().keepNext_val = True  # in its place among the properties
        previous = block


#: Rows of a table kept on one page: a trend of five periods or an area's six questions fits one
#: easily, where a table of every worker must break.
SHORT_TABLE = 12


def short_tables_kept_together(body: Any) -> None:
    """Mark each row but the last of a table of up to ``SHORT_TABLE`` rows "keep with next", as
    Word users keep a table together: a short table otherwise left its last row alone at the top
    of the next page under a repeated heading."""
    from docx.oxml.ns import qn

    for table in body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if len(rows) > SHORT_TABLE:
            continue
        for row in rows[:-1]:
            for paragraph in row.iter(qn("w:p")):
                paragraph.get_or_add_pPr().keepNext_val = True


def _share(text: str) -> float | None:
    return None if text == "n/a" else int(text.rstrip("%")) / 100
