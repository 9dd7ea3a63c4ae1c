"""qaf_docs: the paperwork engine of a children's social care quality-assurance team.

The folders are the flow, one stage each; shared vocabulary sits below all of them:

    cases/     case list (Annex A or any export) -> a fair, reproducible round allocated to auditors
    packs/     each allocated audit -> a pre-filled Word audit tool and Excel action tracker
    returns/   a completed Word form or Excel tracker -> what it says, checked against the rules
    inbox/     the shared folder: wait until a file is complete, identify, read, record once, move
    register/  the single source of truth: SQLite on one computer, or a team's PostgreSQL
               (every SQL statement lives here; what differs between the two, in dialect.py)
    reports/   the register -> the QA tracker workbook, period and round reports, exports
    outcomes/  each audit event -> a case note for the child's record (text, .docx, a day's
               CSV) and ready-to-send e-mails to whoever the framework says must be told
    demo/      the whole job on made-up data, and filling forms as Word would

    office/    guarded reading of .docx/.xlsx/.csv, content controls, identity, sheet layouts
    frameworks/  a council's framework as data (scale, domains, indicators, timescales …) and
               its loading; the presets are TOML files in presets/
    records.py, outcome_records.py, case_ids.py, workspace.py, settings.py, settings_text.py,
    errors.py, findings.py, dates.py, safe_output.py, windows_names.py, file_lock.py, messages.py,
    clock.py, computer.py
               shared vocabulary used by every stage
    cli/       the ``qaf`` command: a thin skin over the library

Imports run down this list: a stage uses office/, the register and the shared modules, never a
sibling's internals (the inbox stage orchestrates returns, packs, reports and outcomes, and writes
a round's lost manifest again through cases/manifest_copy.py; outcomes reads the roster through
cases/people.py); ``tests/test_layout`` keeps it that way.
"""

__version__ = "0.1.0"
