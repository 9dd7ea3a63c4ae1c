"""Reading completed audit tools the way people really fill them."""

from __future__ import annotations

import copy
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, complete_form, libreoffice_resave, pack_docx
from lxml import etree

from qaf_docs.demo.filling import FormFiller
from qaf_docs.errors import IdentityError
from qaf_docs.findings import errors
from qaf_docs.frameworks import Framework
from qaf_docs.office import form_editing as editing
from qaf_docs.office.content_controls import W_NS
from qaf_docs.records import AuditRecord
from qaf_docs.returns.audit_form import read_audit_form
from qaf_docs.returns.validation import validate
from qaf_docs.workspace import ValidationRules, Workspace


def _rewrite_document(path: Path, change: callable) -> None:  # type: ignore[valid-type]
    """Apply a text change to word/document.xml, as another word processor might."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(path)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("good", "Good"),
        ("Good ", "Good"),
        (" GOOD", "Good"),
        ("Requires Improvement", "Requires improvement to be good"),
        ("requires improvement (to be good)", "Requires improvement to be good"),
        ("RI", "Requires improvement to be good"),
        ("inadequate", "Inadequate"),
        ("Good.", "Good"),
        ("R.I.", "Requires improvement to be good"),
        ("Req. Imp.", "Requires improvement to be good"),
        ("req imp", "Requires improvement to be good"),
        ("Inad.", "Inadequate"),
        ("Good - see rationale", "Good"),
        ("RI, see below", "Requires improvement to be good"),
    ],
)
def test_grades_typed_any_way_map_to_the_scale(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, expected: str
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(f"qaf_grade_{framework.domains[0].key}", typed).save()
    form = read_audit_form(path, framework)
    assert form.domains[0].grade == expected
    assert form.findings == []


def test_a_grade_that_is_not_on_the_scale_is_an_error_naming_the_domain(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(f"qaf_grade_{framework.domains[1].key}", "Goodish").save()
    form = read_audit_form(path, framework)
    assert form.domains[1].grade is None
    [finding] = form.findings
    assert finding.where == f"{framework.domains[1].title}: grade"
    assert "'Goodish' is not a grade" in finding.message


@pytest.mark.parametrize("box, where", [("qaf_overall_grade", "Overall grade"), ("domain", None)])
def test_a_grade_with_a_question_mark_is_not_settled_and_not_recorded(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, box: str, where: str
) -> None:
    """A grade of "Inadequate?" read as Inadequate would start the escalation pathway on a grade
    the auditor had not decided; the form goes back naming the box."""
    first = framework.domains[0]
    box = f"qaf_grade_{first.key}" if box == "domain" else box
    where = where or f"{first.title}: grade"
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(box, "Inadequate?").save()
    form = read_audit_form(path, framework)
    assert (form.overall_grade if box == "qaf_overall_grade" else form.domains[0].grade) is None
    found = [*form.findings, *validate(form, framework, ValidationRules(), received_on=TODAY)]
    assert [(f.where, f.message) for f in errors(found)] == [
        (where, "'Inadequate?' has a question mark: the grade is not settled")
    ]
    assert "Choose the grade you have decided on" in errors(found)[0].what_to_do


@pytest.mark.parametrize("typed", ["03/12/2026", "3 Dec 2026", "3/12/26", "2026-12-03"])
def test_dates_typed_in_uk_forms_are_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_audit_date", typed).text(
        "qaf_action_1_due", typed
    ).save()
    form = read_audit_form(path, framework)
    assert form.audit_date == date(2026, 12, 3)
    assert form.actions[0].due_on == date(2026, 12, 3)


def test_an_unreadable_audit_date_is_an_error_not_a_blank(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).text("qaf_audit_date", "last Tuesday").save()
    form = read_audit_form(path, framework)
    assert form.audit_date is None
    assert [f.where for f in form.findings] == ["Date of audit"]


def test_rows_added_and_deleted_in_the_actions_table_are_read_as_seen(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    f = complete_form(path, framework, actions=3)
    f.delete_action_row(2)  # the person deleted action 2
    for n in range(9, 12):  # and added three rows past the eight issued
        f.add_action_row(f"Extra {n}", "Manager", (TODAY + timedelta(days=n)).strftime("%d/%m/%Y"))
    f.save()
    actions = read_audit_form(path, framework).actions
    assert [a.description for a in actions] == [
        "Action number 1",
        "Action number 3",
        "Extra 9",
        "Extra 10",
        "Extra 11",
    ]
    assert [a.row for a in actions] == [1, 2, 3, 4, 5]
    assert actions[-1].due_on == TODAY + timedelta(days=11)


def test_untouched_boxes_read_as_empty_not_as_their_placeholder(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    form = read_audit_form(pack_docx(workspace, issued[0]), framework)
    assert all(d.grade is None and d.rationale == "" for d in form.domains)
    assert form.overall_grade is None and form.actions == [] and form.texts["voice_of_child"] == ""


def test_fields_are_found_by_bookmark_when_another_program_stripped_the_tags(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework, grade="Outstanding").save()
    _rewrite_document(path, lambda xml: re.sub(r"<w:(tag|alias) [^>]*/>", "", xml))
    form = read_audit_form(path, framework)
    assert [d.grade for d in form.domains] == ["Outstanding"] * len(framework.domains)
    assert form.domains[0].rationale == f"Evidence for {framework.domains[0].title}."
    assert form.audit_date == TODAY


def test_text_typed_over_a_date_picker_wins_over_the_hidden_picked_date(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    # Simulate a word processor that keeps w:fullDate but shows what the person typed.
    _rewrite_document(
        path,
        lambda xml: xml.replace(
            f">{(TODAY + timedelta(days=7)).strftime('%d/%m/%Y')}<", ">ASAP<", 1
        ),
    )
    action = read_audit_form(path, framework).actions[0]
    assert action.due_text == "ASAP" and action.due_on is None


def test_a_docx_without_identity_is_refused(
    workspace: Workspace, tmp_path: Path, framework: Framework
) -> None:
    import docx

    stranger = tmp_path / "someone else's form.docx"
    docx.Document().save(str(stranger))
    with pytest.raises(IdentityError, match="does not carry a qaf audit identity"):
        read_audit_form(stranger, framework)


def test_a_box_libreoffice_split_at_paragraph_breaks_reads_every_paragraph(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """LibreOffice, splitting a box at a paragraph break, leaves the box's bookmark without its
    end and starts the name again at the last paragraph: all three paragraphs are the answer."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    name = f"qaf_rationale_{framework.domains[0].key}"

    def split(xml: str) -> str:
        xml = re.sub(r"<w:(tag|alias) [^>]*/>", "", xml)  # LibreOffice keeps no tags
        mark = re.search(rf'<w:bookmarkStart w:id="(\d+)" w:name="{name}"/>', xml)
        assert mark is not None
        end = f'<w:bookmarkEnd w:id="{mark.group(1)}"/>'
        at = xml.index(end, mark.end())
        close = xml.index("</w:p>", at) + len("</w:p>")
        more = (
            "<w:p><w:r><w:t>Second paragraph: the plan.</w:t></w:r></w:p>"
            f'<w:p><w:bookmarkStart w:id="9999" w:name="{name}"/><w:r><w:t>Third paragraph: '
            'the conclusion.</w:t></w:r><w:bookmarkEnd w:id="9999"/></w:p>'
        )
        return xml[:at] + xml[at + len(end) : close] + more + xml[close:]

    _rewrite_document(path, split)
    form = read_audit_form(path, framework)
    assert form.domains[0].rationale == (
        f"Evidence for {framework.domains[0].title}.\nSecond paragraph: the plan.\n"
        "Third paragraph: the conclusion."
    )
    assert form.domains[1].rationale == f"Evidence for {framework.domains[1].title}."


def _tracked(kind: str, text: str, *, deleted: bool = False) -> str:
    """A run inside a Track Changes mark, as Word writes it: a deletion's text is w:delText, but
    text moved away keeps w:t (Word shows it struck through, and drops it on Accept All)."""
    tag = "delText" if deleted else "t"
    return (
        f'<w:{kind} w:id="9{len(text)}" w:author="Dana Taylor" w:date="2026-11-23T10:00:00Z">'
        f'<w:r><w:{tag} xml:space="preserve">{text}</w:{tag}></w:r></w:{kind}>'
    )


def test_a_form_edited_with_track_changes_on_is_read_as_word_shows_it_once_accepted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Grades changed and a sentence moved from one box to another with Track Changes on: the
    grade read is the new one, and the moved sentence counts once, where it was moved to."""
    first, second = framework.domains[0], framework.domains[1]
    path = pack_docx(workspace, issued[0])
    form = complete_form(path, framework)
    form.text(f"qaf_rationale_{first.key}", "FIRSTBOX").text(f"qaf_rationale_{second.key}", "BOX2")
    form.choose(f"qaf_grade_{first.key}", "GRADEMARK").text("qaf_action_1", "ACTIONMARK").save()
    moved = " The plan was reviewed in October."

    def edit(xml: str) -> str:
        swaps = {
            "GRADEMARK": "</w:r>"
            + _tracked("del", "Good", deleted=True)
            + _tracked("ins", "Inadequate"),
            "FIRSTBOX": "<w:t>First.</w:t></w:r>" + _tracked("moveTo", moved),
            # Moved away with the line break before it, from between two sentences that stay.
            "BOX2": "<w:t>Second.</w:t></w:r>"
            + _tracked("moveFrom", moved).replace("<w:r>", "<w:r><w:br/>")
            + '<w:r><w:t xml:space="preserve"> Third.</w:t></w:r>',
            "ACTIONMARK": "<w:t>Visit the child</w:t></w:r>" + _tracked("moveFrom", " at school"),
        }
        for mark, marked_up in swaps.items():
            xml, found = re.subn(rf"<w:t[^>]*>{mark}</w:t></w:r>", lambda _, to=marked_up: to, xml)
            assert found == 1, mark
        return xml

    _rewrite_document(path, edit)
    read = read_audit_form(path, framework)
    assert read.domains[0].grade == "Inadequate"
    assert (read.domains[0].rationale, read.domains[1].rationale) == (
        "First." + moved,
        "Second. Third.",
    )
    assert read.actions[0].description == "Visit the child"


def test_a_tracked_edit_of_the_case_id_shown_on_the_form_is_read_as_word_shows_it(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """With Track Changes on, a digit typed into the Case ID cell and deleted again stays in the
    file as deleted text: the case id is what the page shows, not the form refused as copied."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).save()
    shown = f'<w:t xml:space="preserve">{issued[0].case_id}</w:t></w:r>'

    def edit(xml: str) -> str:
        assert xml.count(shown) == 1
        return xml.replace(shown, shown + _tracked("del", "7", deleted=True))

    _rewrite_document(path, edit)
    read = read_audit_form(path, framework)
    assert read.identity.case_id == issued[0].case_id


def test_a_rationale_pasted_from_another_form_with_its_boxes_never_sets_their_fields(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The auditor copies a passage of another audit's form, its grade and rationale boxes with
    it, into this form's first rationale. Word keeps the pasted boxes' tags (and drops their
    bookmarks, whose names this form already uses): the second area's grade and rationale are
    still the ones picked and typed here, and the pasted text is part of the box it went into."""
    first, second = framework.domains[0], framework.domains[1]
    other = pack_docx(workspace, issued[1])
    elsewhere = complete_form(other, framework, grade="Inadequate")
    elsewhere.text(f"qaf_rationale_{second.key}", "Another child's plan has drifted.").save()
    pasted = [
        copy.deepcopy(editing.find_control(elsewhere.root, f"qaf_{box}_{second.key}"))
        for box in ("grade", "rationale")
    ]
    path = pack_docx(workspace, issued[0])
    form = complete_form(path, framework, grade="Good")
    form.text(f"qaf_rationale_{second.key}", "The plan is reviewed monthly.")
    box = editing.find_control(form.root, f"qaf_rationale_{first.key}")
    box.find(f"{{{W_NS}}}sdtContent").extend(pasted)
    form.save()
    read = read_audit_form(path, framework)
    assert (read.domains[1].grade, read.domains[1].rationale) == (
        "Good",
        "The plan is reviewed monthly.",
    )
    assert read.domains[0].rationale == (
        f"Evidence for {first.title}.InadequateAnother child's plan has drifted."
    )
    assert read.findings == []


@pytest.mark.parametrize(
    "typed, named",
    [
        ("Good/RI", "two grades (Good and Requires improvement to be good)"),
        ("Good or Outstanding", "two grades (Good and Outstanding)"),
        ("RI - Inadequate", "two grades (Requires improvement to be good and Inadequate)"),
        # A grade hedged with another in brackets: the words in brackets had been dropped, and
        # "Good (bordering on RI)" recorded as plain Good.
        ("Good (bordering on RI)", "two grades (Good and Requires improvement to be good)"),
        ("Good (nearly outstanding)", "two grades (Good and Outstanding)"),
    ],
)
def test_two_grades_typed_into_one_box_are_named_as_two(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, named: str
) -> None:
    """Torn between two grades, the auditor types both over the drop-down: the note says it gives
    two grades and that the box takes one (before, "'Good/RI' is not a grade on this
    framework's scale", though both are)."""
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(f"qaf_grade_{framework.domains[0].key}", typed).save()
    form = read_audit_form(path, framework)
    assert form.domains[0].grade is None
    [finding] = form.findings
    assert finding.where == f"{framework.domains[0].title}: grade"
    assert finding.message == f"'{typed}' gives {named}; a grade box takes one"
    assert "Choose the one grade that fits best" in finding.what_to_do


@pytest.mark.parametrize(
    "typed, grade",
    [
        ("Requires improvement (to be good)", "Requires improvement to be good"),
        ("Good (see rationale)", "Good"),
        ("Good (I think)", "Good"),
        ("Inadequate (no good evidence)", "Inadequate"),  # "good" here is not a grade given
    ],
)
def test_words_in_brackets_that_name_no_other_grade_leave_the_grade_as_chosen(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, grade: str
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(f"qaf_grade_{framework.domains[0].key}", typed).save()
    form = read_audit_form(path, framework)
    assert (form.domains[0].grade, form.findings) == (grade, [])


@pytest.mark.parametrize("typed", ["G", "Re", "Goodish", "Not bad"])
def test_a_grade_too_short_or_unlike_any_is_still_refused(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    path = pack_docx(workspace, issued[0])
    complete_form(path, framework).choose(f"qaf_grade_{framework.domains[0].key}", typed).save()
    form = read_audit_form(path, framework)
    assert form.domains[0].grade is None
    assert [f.message for f in form.findings] == [
        f"'{typed}' is not a grade on this framework's scale"
    ]


def _delete_box_and_type(filler: FormFiller, name: str, typed: str) -> None:
    """Delete a content control as Word does (the bookmark around it goes too) and type ``typed``
    as plain text where it was."""
    w = f"{{{W_NS}}}"
    box = editing.find_control(filler.root, name)
    [start] = [b for b in filler.root.iter(f"{w}bookmarkStart") if b.get(f"{w}name") == name]
    [end] = [
        b for b in filler.root.iter(f"{w}bookmarkEnd") if b.get(f"{w}id") == start.get(f"{w}id")
    ]
    for mark in (start, end):
        mark.getparent().remove(mark)
    run = etree.SubElement(etree.Element(f"{w}p"), f"{w}r")
    etree.SubElement(run, f"{w}t").text = typed
    box.getparent().replace(box, run)


@pytest.mark.parametrize("area", [True, False], ids=["a practice area", "overall"])
def test_a_grade_typed_where_its_deleted_box_was_is_read_with_a_warning(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, area: bool
) -> None:
    """The auditor deleted the grade drop-down and typed the grade in its place: the page shows
    the grade, so it is read from there, with a warning kept with the audit (before, 'no grade
    chosen. Choose a grade from the list', beside the grade they had typed)."""
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    name = f"qaf_grade_{framework.domains[0].key}" if area else "qaf_overall_grade"
    _delete_box_and_type(filler, name, "Requires improvement")
    filler.save()
    form = read_audit_form(path, framework)
    grade = form.domains[0].grade if area else form.overall_grade
    assert grade == "Requires improvement to be good"
    where = f"{framework.domains[0].title}: grade" if area else "Overall grade"
    [found] = form.findings
    assert (found.severity, found.where) == ("warning", where)
    assert "the grade box was deleted from the form; 'Requires improvement'" in found.message
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


@pytest.mark.parametrize(
    "typed, said",
    [
        ("Inadequate?", "'Inadequate?' has a question mark: the grade is not settled"),
        (
            "Good (bordering on RI)",
            "'Good (bordering on RI)', typed where it was, gives two grades (Good and Requires "
            "improvement to be good); a grade takes one",
        ),
    ],
)
def test_a_grade_not_settled_typed_where_its_box_was_is_refused_as_in_the_box(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str, said: str
) -> None:
    # The box deleted and "Inadequate?" typed in its place: not recorded, as in the box itself.
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    _delete_box_and_type(filler, f"qaf_grade_{framework.domains[1].key}", typed)
    filler.save()
    form = read_audit_form(path, framework)
    assert form.domains[1].grade is None
    found = errors(form.findings + validate(form, framework, ValidationRules(), received_on=TODAY))
    assert [(f.where, f.message) for f in found] == [
        (
            f"{framework.domains[1].title}: grade",
            f"the grade box has been deleted from the form, and {said}",
        )
    ]


@pytest.mark.parametrize("typed", ["", "Goodish"])
def test_a_deleted_grade_box_with_no_grade_in_its_place_says_the_box_was_deleted(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, typed: str
) -> None:
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    _delete_box_and_type(filler, f"qaf_grade_{framework.domains[1].key}", typed)
    filler.save()
    form = read_audit_form(path, framework)
    found = errors(form.findings + validate(form, framework, ValidationRules(), received_on=TODAY))
    [problem] = found
    assert problem.where == f"{framework.domains[1].title}: grade"
    assert problem.message.startswith("the grade box has been deleted from the form")
    assert "where the box was" in problem.what_to_do and "Good" in problem.what_to_do


@pytest.mark.libreoffice
def test_a_deleted_grade_box_and_a_pasted_one_read_alike_once_libreoffice_saves_the_form(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, tmp_path: Path
) -> None:
    """LibreOffice drops the tags: the grade typed where its box was is still found beside the
    rationale, and another form's grade box pasted into a rationale stays part of its text."""
    first, second = framework.domains[0], framework.domains[1]
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    _delete_box_and_type(filler, f"qaf_grade_{first.key}", "Inadequate")
    _delete_box_and_type(filler, "qaf_overall_grade", "Inadequate")
    elsewhere = complete_form(pack_docx(workspace, issued[1]), framework, grade="Outstanding")
    pasted = copy.deepcopy(editing.find_control(elsewhere.root, f"qaf_grade_{second.key}"))
    box = editing.find_control(filler.root, f"qaf_rationale_{first.key}")
    box.find(f"{{{W_NS}}}sdtContent").append(pasted)
    filler.save()
    read = read_audit_form(libreoffice_resave(path, tmp_path / "lo"), framework)
    assert [d.grade for d in read.domains[:2]] == ["Inadequate", "Good"]
    assert read.overall_grade == "Inadequate"
    assert read.domains[0].rationale == f"Evidence for {first.title}.Outstanding"
    assert {(f.severity, f.where) for f in read.findings} == {
        ("warning", f"{first.title}: grade"),
        ("warning", "Overall grade"),
    }


def test_non_breaking_hyphens_read_as_the_hyphens_the_page_shows(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Word keeps a non-breaking hyphen (Ctrl+Shift+Hyphen, or pasted from a document that had
    one) as an element of its own: read, the rationale keeps it and a due date typed with them
    is the date (before, 'Nonverbal', and 08-12-2026 read as the number 08122026)."""
    due = TODAY + timedelta(days=14)
    path = pack_docx(workspace, issued[0])
    key = framework.domains[0].key
    complete_form(path, framework).text(f"qaf_rationale_{key}", "RATIONALEMARK").text(
        "qaf_action_1_due", "DUEMARK"
    ).save()
    hyphen = '</w:t></w:r><w:r><w:noBreakHyphen/><w:t xml:space="preserve">'
    swaps = {
        "RATIONALEMARK": f"Non{hyphen}verbal cues were noted.",
        "DUEMARK": f"{due:%d}{hyphen}{due:%m}{hyphen}{due:%Y}",
    }

    def edit(xml: str) -> str:
        for mark, marked_up in swaps.items():
            assert xml.count(f">{mark}<") == 1
            xml = xml.replace(f">{mark}<", f">{marked_up}<")
        return xml

    _rewrite_document(path, edit)
    read = read_audit_form(path, framework)
    assert read.domains[0].rationale == "Non-verbal cues were noted."
    assert (read.actions[0].due_text, read.actions[0].due_on) == (f"{due:%d-%m-%Y}", due)
    assert read.findings == []


def test_actions_in_a_copy_of_the_actions_table_pasted_below_it_are_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Out of rows, the auditor copies the actions table, pastes it below (Word drops the copy's
    bookmark) and types a new action over one of its rows, leaving the other as copied: the new
    action is read after the others, and the copied one counts once (before, the copy was never
    read: the new action was lost without a word)."""
    w = f"{{{W_NS}}}"
    due = TODAY + timedelta(days=21)
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    table = filler.actions_table()
    pasted = copy.deepcopy(table)
    for mark in [*pasted.iter(f"{w}bookmarkStart"), *pasted.iter(f"{w}bookmarkEnd")]:
        mark.getparent().remove(mark)
    row = pasted.findall(f"{w}tr")[2]
    cells = {c: next(cell.iter(f"{w}sdt")) for c, cell in enumerate(row.findall(f"{w}tc")) if c}
    editing.type_text(cells[1], "Book a family group conference")
    editing.type_text(cells[2], "Social worker")
    editing.pick_date(cells[3], due)
    gap = etree.Element(f"{w}p")
    table.addnext(gap)
    gap.addnext(pasted)
    filler.save()
    read = read_audit_form(path, framework)
    assert [(a.row, a.description, a.owner, a.due_on) for a in read.actions] == [
        (1, "Action number 1", "Owner 1", TODAY + timedelta(days=7)),
        (2, "Action number 2", "Owner 2", TODAY + timedelta(days=14)),
        (3, "Book a family group conference", "Social worker", due),
    ]


def test_a_deleted_grade_box_is_read_on_its_own_line_below_a_councils_prompts(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """A council's template prints a prompt above the grade in the same cell: the grade typed
    where the deleted box stood is read from its own line, not run together with the prompt."""
    w = f"{{{W_NS}}}"
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    name = f"qaf_grade_{framework.domains[0].key}"
    line = next(editing.find_control(filler.root, name).iterancestors(f"{w}p"))
    prompt = etree.Element(f"{w}p")
    etree.SubElement(etree.SubElement(prompt, f"{w}r"), f"{w}t").text = "Is the plan up to date?"
    line.addprevious(prompt)
    _delete_box_and_type(filler, name, "Good")
    filler.save()
    assert read_audit_form(path, framework).domains[0].grade == "Good"


def _paste_over_box(filler: FormFiller, name: str, lines: list[str]) -> None:
    """Select the box's whole line (a triple click) and paste paragraphs over it, as Word does:
    the box and its bookmark go, the pasted paragraphs stand where its line was."""
    w = f"{{{W_NS}}}"
    line = next(editing.find_control(filler.root, name).iterancestors(f"{w}p"))
    for text in lines:
        paragraph = etree.Element(f"{w}p")
        etree.SubElement(etree.SubElement(paragraph, f"{w}r"), f"{w}t").text = text
        line.addprevious(paragraph)
    line.getparent().remove(line)


@pytest.mark.parametrize("area", [True, False], ids=["a practice area", "overall"])
def test_a_rationale_pasted_over_its_whole_box_is_read_where_the_box_was(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework, area: bool
) -> None:
    """The auditor selects the rationale's line with a triple click and pastes two paragraphs
    from their notes: Word replaces the box. The pasted rationale is read from where the box was,
    with a warning (before, 'the grade has no rationale', beside the rationale on the page)."""
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    name = f"qaf_rationale_{framework.domains[0].key}" if area else "qaf_overall_rationale"
    pasted = ["Visits are regular and purposeful.", "The plan was reviewed in October."]
    _paste_over_box(filler, name, pasted)
    filler.save()
    form = read_audit_form(path, framework)
    said = form.domains[0].rationale if area else form.overall_rationale
    assert said == "\n".join(pasted)
    where = f"{framework.domains[0].title}: rationale" if area else "Overall rationale"
    [found] = form.findings
    assert (found.severity, found.where) == ("warning", where)
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


def test_a_grade_and_rationale_pasted_over_both_boxes_are_read_where_the_boxes_were(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The auditor selects everything in a practice area's grade and rationale cell and pastes
    the grade and rationale from their notes: both boxes and their bookmarks go. The grade and
    rationale are read from the cell, with a warning each (before, 'no grade chosen' beside the
    grade on the page)."""
    first = framework.domains[0]
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    w = f"{{{W_NS}}}"
    cell = next(editing.find_control(filler.root, f"qaf_grade_{first.key}").iterancestors(f"{w}tc"))
    for paragraph in cell.findall(f"{w}p"):
        cell.remove(paragraph)
    for text in ["Requires improvement", "Visits are regular.", "The plan is out of date."]:
        paragraph = etree.SubElement(cell, f"{w}p")
        etree.SubElement(etree.SubElement(paragraph, f"{w}r"), f"{w}t").text = text
    filler.save()
    form = read_audit_form(path, framework)
    assert form.domains[0].grade == "Requires improvement to be good"
    assert form.domains[0].rationale == "Visits are regular.\nThe plan is out of date."
    assert {(f.severity, f.where) for f in form.findings} == {
        ("warning", f"{first.title}: grade"),
        ("warning", f"{first.title}: rationale"),
    }
    assert errors(validate(form, framework, ValidationRules(), received_on=TODAY)) == []


def test_a_moderation_typed_where_its_deleted_boxes_were_is_read(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The moderator deletes the moderated grade drop-down and the date picker and types both in
    their place: the moderation is read, with a warning for each (before, no moderated grade and
    no date: the moderation was not there to record, though the page shows it)."""
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    filler.text("qaf_moderator", "M. Oderator").text("qaf_moderation_reason", "Evidence seen.")
    _delete_box_and_type(filler, "qaf_moderated_grade", "Requires improvement")
    _delete_box_and_type(filler, "qaf_moderation_date", f"{TODAY:%d/%m/%Y}")
    _delete_box_and_type(filler, "qaf_audit_date", f"{TODAY:%d.%m.%y}")
    filler.save()
    form = read_audit_form(path, framework)
    assert (form.moderated_grade, form.moderation_date) == (
        "Requires improvement to be good",
        TODAY,
    )
    assert form.audit_date == TODAY
    assert {(f.severity, f.where) for f in form.findings} == {
        ("warning", "Moderated grade"),
        ("warning", "Date moderated"),
        ("warning", "Date of audit"),
    }


def test_boxes_removed_with_their_prompts_left_read_as_empty_not_as_typed(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Boxes removed from the moderation table, their prompts left as plain words ("Type here.",
    "Choose a grade.", "Pick a date."): nothing was moderated, and the form is accepted (before,
    the moderator was recorded as "Type here." and the grade and date were refused)."""
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    for name, prompt in [
        ("qaf_moderator", "Type here."),
        ("qaf_moderated_grade", "Choose a grade."),
        ("qaf_moderation_reason", "Type here."),
        ("qaf_moderation_date", "Pick a date."),
    ]:
        _delete_box_and_type(filler, name, prompt)
    filler.save()
    form = read_audit_form(path, framework)
    assert (form.moderator, form.moderated_grade, form.moderation_reason) == ("", None, "")
    assert form.moderation_date is None
    assert form.findings == []


def test_a_date_typed_wrongly_where_its_deleted_picker_was_says_so(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework)
    _delete_box_and_type(filler, "qaf_audit_date", "next Tues")
    filler.save()
    [found] = read_audit_form(path, framework).findings
    assert (found.severity, found.where) == ("error", "Date of audit")
    assert found.message.startswith("the date picker has been deleted from the form, and")
    assert "'next Tues'" in found.message and "day/month/year" in found.what_to_do


def test_a_rationale_written_as_a_margin_comment_is_named_beside_the_empty_box(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """The auditor writes the rationale as a comment (Review > New Comment) on the empty box: the
    box is still empty, and the note says the comment is not read and to copy it into the box
    (before, only 'has no rationale', with the rationale there on screen)."""
    w = f"{{{W_NS}}}"
    first = framework.domains[0]
    path = pack_docx(workspace, issued[0])
    filler = complete_form(path, framework).text(f"qaf_rationale_{first.key}", "")
    box = editing.find_control(filler.root, f"qaf_rationale_{first.key}")
    box.addprevious(etree.Element(f"{w}commentRangeStart", {f"{w}id": "0"}))
    box.addnext(etree.Element(f"{w}commentRangeEnd", {f"{w}id": "0"}))
    reference = etree.SubElement(etree.Element(f"{w}p"), f"{w}r")
    etree.SubElement(reference, f"{w}commentReference", {f"{w}id": "0"})
    box.getnext().addnext(reference)
    filler.save()
    read = read_audit_form(path, framework)
    [found] = read.findings
    assert (found.severity, found.where) == ("warning", f"{first.title}: rationale")
    assert "comments are not read" in found.message
    assert "Copy the rationale from the comment into the box" in found.what_to_do
    problems = errors(validate(read, framework, ValidationRules(), received_on=TODAY))
    assert [p.where for p in problems] == [f"{first.title}: rationale"]


def _text_box(*paragraphs: str) -> str:
    """A text box as Word writes one into a run: the shape (mc:Choice) and, for older readers, the
    same text again as a VML picture (mc:Fallback)."""
    content = "<w:txbxContent>" + "".join(
        f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs
    )
    content += "</w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility'
        '/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:Choice Requires="wps"><w:drawing><wps:wsp>'
        f"<wps:txbx>{content}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f"<v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def test_a_text_box_pasted_into_a_rationale_is_read_once(
    workspace: Workspace, issued: list[AuditRecord], framework: Framework
) -> None:
    """Word keeps a text box twice (the shape, and a picture of it for older programs): its words
    are in the rationale once, on their own lines, as the page shows them."""
    first, second = framework.domains[0], framework.domains[1]
    path = pack_docx(workspace, issued[0])
    form = complete_form(path, framework)
    form.text(f"qaf_rationale_{first.key}", "BOXMARK").save()
    form = FormFiller(path).text(f"qaf_rationale_{second.key}", "Plain.")
    form.save()

    def edit(xml: str) -> str:
        box = _text_box("Seen at home on 3 October.", "Plan updated.")
        xml, found = re.subn(r"(<w:t[^>]*>)BOXMARK(</w:t></w:r>)", rf"\1First.\2{box}", xml)
        assert found == 1
        return xml

    _rewrite_document(path, edit)
    read = read_audit_form(path, framework)
    assert read.domains[0].rationale == "First.\nSeen at home on 3 October.\nPlan updated."
    assert read.domains[1].rationale == "Plain."
