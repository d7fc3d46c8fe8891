"""A choice's label is shown in the language of the page, and a value outside the choices as
it is stored (``get_<field>_display`` from kept labels, not rebuilt on every call)."""

from django.utils import translation

from claims.models import Claim, ClaimState


def test_the_label_follows_the_language_of_the_page():
    claim = Claim(state=ClaimState.SUBMITTED)
    with translation.override("id"):
        assert claim.get_state_display() == "Diajukan"
    with translation.override("en"):
        assert claim.get_state_display() == "Submitted"
    with translation.override("id"):
        assert claim.get_state_display() == "Diajukan"


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Claim(state="archived").get_state_display() == "archived"
