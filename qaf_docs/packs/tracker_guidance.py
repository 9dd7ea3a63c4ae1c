"""What the framework says about actions, as the manager's action tracker prints it.

A manager updating actions never sees the audit tool's guidance: the tracker is all they open. So
the tracker quotes the framework's own words on actions (SMART, due dates, supervision, sign-off)
above its actions table, from the framework's ``action_guidance``; a framework that says nothing
of a case's actions prints nothing, never qaf's paraphrase.
"""

from __future__ import annotations

from qaf_docs.frameworks import Framework


def action_guidance(framework: Framework) -> str:
    """The tracker's ``{{ action_guidance }}``: a heading naming the framework and its words on
    actions, one to a line; "" when it has none."""
    lines = [" ".join(line.split()) for line in framework.action_guidance if line.strip()]
    if not lines:
        return ""
    heading = f"What the {framework.name} framework says about actions:"
    return "\n".join([heading, *(f"• {line}" for line in lines)])
