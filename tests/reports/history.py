"""Claims with a recorded history: each move a CaseEvent stamped when it happened, the claim's
state and clock as the workflow leaves them (for the figures, which read both)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from claims.models import CaseEvent, Claim
from tests.claims.conftest import bare_claim
from tests.factories import ParticipantFactory

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=JAKARTA)


def claim_with_history(employer, moves: list[tuple[dt.datetime, str]], *, actions=()) -> Claim:
    """A claim opened at the first move and moved through `moves` [(when, to_state)]; each of
    `actions` [(when, action)] is an event that leaves the state as it was (a take, a check)."""
    with time_machine.travel(moves[0][0], tick=False):
        claim = bare_claim(ParticipantFactory(), employer, "draft")
    state = "draft"
    timeline = [(when, to, "transition") for when, to in moves]
    timeline += [(when, None, action) for when, action in actions]
    for when, to, action in sorted(timeline, key=lambda item: item[0]):
        with time_machine.travel(when, tick=False):
            target = state if to is None else to
            CaseEvent.objects.create(claim=claim, action=action, from_state=state, to_state=target)
            if to is not None:
                Claim.objects.filter(pk=claim.pk).update(state=to, state_changed_at=when)
                state = to
    claim.refresh_from_db()
    return claim
