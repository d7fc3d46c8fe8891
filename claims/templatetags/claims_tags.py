"""Labels for the stable codes stored in case events (states, actions, reasons)."""

from django import template
from django.utils.translation import gettext

from claims import vocabulary
from claims.rules import version_by_code
from claims.vocabulary import action_label, reason_label

register = template.Library()


register.filter("state_label", vocabulary.state_label)


@register.filter
def rule_version_name(code: str) -> str:
    """A rule version as people name it ("PP 6/2025"), not its code."""
    try:
        return version_by_code(code).name
    except KeyError:
        return code


@register.filter
def rule_version_note(code: str) -> str:
    """What in this rule version is not yet confirmed against the official text, said once
    (for staff; never shown to a worker)."""
    try:
        note = version_by_code(code).unverified_note
        return gettext(note) if note else ""
    except KeyError:
        return ""


@register.filter(name="action_label")
def action_label_filter(code: str) -> str:
    return action_label(code)


@register.filter(name="reason_label")
def reason_label_filter(code: str) -> str:
    return reason_label(code)


STATE_BADGES = {
    "draft": "secondary",
    "submitted": "info",
    "verifying": "info",
    "eligibility_checked": "primary",
    "awaiting_approval": "warning",
    "approved": "success",
    "benefit_active": "success",
    "completed": "dark",
    "rejected": "danger",
    "appealed": "warning",
    "stopped": "dark",
    "withdrawn": "secondary",
}


@register.filter
def state_badge(code: str) -> str:
    """The Bootstrap colour of a state's badge."""
    return STATE_BADGES.get(code, "secondary")


@register.filter
def person(user) -> str:
    """A user's full name, else the login, else a dash (the system, or nobody yet)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
