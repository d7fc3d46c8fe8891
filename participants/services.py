"""Writes on participant data that need more than the model: revealing personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from jkp_site.core.exceptions import ApplicationError, PermissionDeniedError
from jkp_site.core.permissions import ParticipantPerm
from participants.models import PersonalDataReveal
from participants.selectors import participants_visible_to

if TYPE_CHECKING:
    from jkp_site.core.models import User


@transaction.atomic
def reveal_personal_data(*, participant_id: int, field: str, reason: str, acting_user: User) -> str:
    """The whole NIK or bank account number of a participant the user may see, for a reason.

    Needs ``participants.reveal_personal_data`` and the participant in the user's branch
    scope; writes a ``PersonalDataReveal`` (who, when, which field, whose, why) before the
    value is returned. The value itself is never written anywhere.
    """
    if not (acting_user.is_active and acting_user.has_perm(ParticipantPerm.REVEAL)):
        raise PermissionDeniedError(gettext("You are not allowed to see whole numbers."))
    if field not in PersonalDataReveal.Field.values:
        raise ApplicationError(gettext("Choose the NIK or the bank account."), field="field")
    if not reason.strip():
        raise ApplicationError(gettext("Say why you need the whole number."), field="reason")
    participant = participants_visible_to(acting_user).filter(pk=participant_id).first()
    if participant is None:
        raise PermissionDeniedError(gettext("This participant is not in your branch."))
    PersonalDataReveal.objects.create(
        participant=participant,
        field=field,
        revealed_to=acting_user,
        reason=reason.strip()[:255],
    )
    return str(getattr(participant, field) or "")
