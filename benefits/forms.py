"""Input forms for the benefit screens. Field cleaning only: the services enforce the rules."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import Kanwil
from training.models import (
    JobSeekingActivity,
    TrainingProgram,
    TrainingProvider,
    TrainingReferral,
)
from training.services import DONE_KINDS

_DATE = forms.DateInput(attrs={"type": "date"})


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Activity"),
        choices=[(k.value, k.label) for k in JobSeekingActivity.Kind if k in DONE_KINDS],
    )
    occurred_on = forms.DateField(label=_("Date"), widget=_DATE)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CounsellingForm(forms.Form):
    occurred_on = forms.DateField(label=_("Session date"), widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CounsellingOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (JobSeekingActivity.Status.DONE, _("Held")),
            (JobSeekingActivity.Status.NO_SHOW, _("No-show")),
            (JobSeekingActivity.Status.CANCELLED, _("Cancelled")),
        ],
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReemploymentForm(forms.Form):
    employer_name = forms.CharField(label=_("New employer"), max_length=200)
    started_on = forms.DateField(label=_("Started on"), widget=_DATE)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProgramChoiceField(forms.ModelChoiceField):
    """A programme named with where it is held, so the counsellor sees the place."""

    def label_from_instance(self, obj: TrainingProgram) -> str:
        return program_label(obj)


def program_label(program: TrainingProgram) -> str:
    """ "Title · provider · city, region": where the programme is held, said plainly."""
    provider = program.provider
    region = provider.region.name if provider.region else ""
    place = ", ".join(part for part in (provider.city, region) if part)
    return " · ".join((program.title, provider.name, place or str(_("place not recorded"))))


class ReferralForm(forms.Form):
    program: ProgramChoiceField = ProgramChoiceField(label=_("Programme"), queryset=None)

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["program"]).queryset = programs


class EnrolForm(forms.Form):
    enrolled_on = forms.DateField(label=_("Enrolled on"), widget=_DATE)


class AttendanceForm(forms.Form):
    period = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    percent = forms.IntegerField(label=_("Attendance (%)"), min_value=0, max_value=100)


class CompletionForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=_DATE)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=80, required=False
    )


class EndReferralForm(forms.Form):
    """How a referral ended: a required choice, none preselected, offering only the endings
    open from the referral's ``state`` (declined before enrolment, dropped out after)."""

    ENDINGS = {
        TrainingReferral.State.DECLINED: (
            TrainingReferral.State.REFERRED,
            TrainingReferral.State.ACCEPTED,
        ),
        TrainingReferral.State.DROPPED: (TrainingReferral.State.ENROLLED,),
    }

    outcome = forms.ChoiceField(label=_("How the referral ended"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, state: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            (ending.value, ending.label)
            for ending, states in self.ENDINGS.items()
            if state is None or state in states
        ]


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingProvider.Kind.choices)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=TrainingProvider.Ownership.choices)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Kanwil.objects.all(),
        required=False,
        help_text=_("Its programmes are offered first to the workers of this region."),
    )


class ProgramForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=TrainingProvider.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    competency = forms.CharField(label=_("Competency"), max_length=200)
    duration_hours = forms.IntegerField(label=_("Duration (hours)"), min_value=1, max_value=5000)
    cost = forms.IntegerField(label=_("Cost per participant (Rp)"), min_value=0)
    start_date = forms.DateField(label=_("Start"), widget=_DATE, required=False)
    end_date = forms.DateField(label=_("End"), widget=_DATE, required=False)
