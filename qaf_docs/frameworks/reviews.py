"""Follow-up reviews: a meeting a framework holds after a round to review its recommendations.

City of London: after each half of the audit cycle, "evidence of recommendations being progressed
from case file audits. Reviewed and signed off in getting to "outstanding" meeting chaired by AD
People" (in June/July after the April/May audits, in December/January after October/November).
A framework names the meeting, who chairs it, which rounds it follows and within how many calendar
months of the round's last audit coming back it is held; qaf lists it as a checkpoint of the round
(``qaf checkpoints``, ``qaf status``, the QA tracker), and the QA team records what it signed off.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from qaf_docs.dates import add_months, month_end
from qaf_docs.frameworks.base import ROUND_KIND_NAMES, KeyProblem, StrictModel


class FollowUpReview(StrictModel):
    """A meeting after a round that reviews and signs off the progress of its recommendations."""

    key: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,29}$",
        description="what the QA team types to record it (lower-case letters, digits and '-'), "
        "e.g. getting-to-outstanding",
    )
    title: str = Field(description="the meeting, as the framework calls it")
    chair: str = Field(default="", description="who chairs it (a role)")
    rounds: list[str] = Field(
        default_factory=lambda: ["half-cycle"], min_length=1, description="round kinds it follows"
    )
    within_months: int = Field(
        ge=1,
        description="held by the end of this calendar month after the round's last audit came "
        "back (2: audits back in May, the meeting by the end of July)",
    )
    reviews: str = Field(default="", description="what it reviews, in the framework's words")

    @model_validator(mode="after")
    def _known_rounds(self) -> FollowUpReview:
        for i, kind in enumerate(self.rounds):
            if kind not in ROUND_KIND_NAMES:
                raise KeyProblem(
                    ("rounds", i),
                    f"'{kind}' is not a kind of round (use one of: {', '.join(ROUND_KIND_NAMES)})",
                )
        return self

    def follows(self, round_kind: str) -> bool:
        """True when this meeting reviews rounds of ``round_kind``."""
        return round_kind in self.rounds

    def due_on(self, completed: date) -> date:
        """The last day the meeting can be held for a round whose last audit came back on
        ``completed``: the end of the ``within_months``-th calendar month after it."""
        return month_end(add_months(completed.replace(day=1), self.within_months))

    def opens_on(self, completed: date) -> date:
        """The first day the meeting can be held (and recorded): the first of the month after the
        round's last audit came back ("June July" after audits in April/May)."""
        return add_months(completed.replace(day=1), 1)

    def heading(self) -> str:
        """The meeting as a line of a report: its title, and its chair where named."""
        return f"{self.title} (chaired by {self.chair})" if self.chair else self.title
