"""Audit outcomes onto the child's record and to the people who must act.

After each audit event the frameworks name (accepted, re-audited, moderated, grade changed,
escalated, actions closed) qaf writes a case note ready to paste or attach, under the framework's
heading, a batch file per day for systems that import notes in bulk, and ready-to-send e-mails to
whoever must be told. Nothing is sent and nothing goes on a record by itself: a person does both.

    facts.py       what the register holds about an event's audit, and which outcomes it makes
    case_note.py   the note: heading, what happened, grades, findings, actions, audit reference
    note_docx.py   the same note as a one-page Word document, for councils that attach documents
    batch.py       the day's notes as one CSV for a bulk import
    notifications.py  who is told of each outcome, and what their e-mail says
    produce.py     plan each event's outputs once, record them, then write them
    waiting.py     what waits to go on records (for qaf status), and marking it done
"""
