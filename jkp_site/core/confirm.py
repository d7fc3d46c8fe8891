"""The confirmation step of an irreversible action, working without JavaScript.

A POST without ``confirmed=1`` answers with a page that restates what will happen (the facts,
the amounts, the consequence) and posts the same fields again, hidden, with ``confirmed=1``;
only that second POST acts. Nothing is written by the first one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
# Never echoed back: Django adds a fresh token, and the flag is the page's own.
_NOT_REPOSTED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


@dataclass(frozen=True)
class Table:
    """Rows shown under the facts, e.g. the cash schedule an approval creates."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    total: list[str] | None = None


@dataclass(frozen=True)
class Confirmation:
    title: str
    facts: list[tuple[str, str]]
    consequences: list[str]
    button: str
    danger: bool = False
    table: Table | None = None
    hidden: list[tuple[str, str]] = field(default_factory=list)


def confirm_page(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    back: str,
    repost: bool = True,
    template: str = "core/confirm.html",
) -> HttpResponse:
    """The page asking to confirm ``confirmation``; the button posts to the same address.

    ``repost`` sends the submitted fields again (hidden); off for a file upload, whose
    confirmation carries its own ``hidden`` fields instead. ``template`` frames it (the
    portal has its own).
    """
    hidden = list(confirmation.hidden)
    if repost:
        hidden += [
            (name, value)
            for name, values in request.POST.lists()
            if name not in _NOT_REPOSTED
            for value in values
        ]
    return render(
        request,
        template,
        {
            "confirmation": confirmation,
            "hidden": hidden,
            "action": request.get_full_path(),
            "back": back,
            "confirm_field": CONFIRM_FIELD,
        },
    )
