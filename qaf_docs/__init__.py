"""qaf_docs: the paperwork engine of a children's social care quality-assurance team.

The flow, one module per step:

    caselist   -> read the council's case list (Annex A or any export)
    sampling   -> draw a fair, reproducible sample of cases (a round)
    allocation -> give each sampled case to an auditor under the framework's rules
    packs      -> write a pre-filled Word audit tool and Excel action tracker per audit
    inbox      -> take completed files from the shared inbox folder, once each
    forms      -> read grades, rationales and actions back out of a completed Word form
    trackers   -> read action updates back out of a completed Excel action tracker
    validation -> check a submission against the framework's rules
    register   -> the single source of truth (SQLite)
    reports    -> the QA tracker workbook and the quarterly report
    export     -> the register as JSON / CSV for other tools
"""

__version__ = "0.1.0"
