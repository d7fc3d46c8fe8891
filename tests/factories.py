"""factory_boy factories shared by every test package."""

import datetime as dt

import factory
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group

from demo.seed import make_nik
from jkp_site.core.models import KantorCabang, Kanwil, User
from participants.models import (
    ContractType,
    ContributionMonth,
    Employer,
    Employment,
    Participant,
    Program,
    ProgramEnrollment,
    SizeClass,
)


class KanwilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kanwil
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KW{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Kanwil {o.code}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KantorCabang
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"B{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Cabang {o.code}")
    kanwil = factory.SubFactory(KanwilFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    branch = factory.SubFactory(BranchFactory)
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    npp = factory.Sequence(lambda n: f"{50000000 + n:08d}")
    name = factory.Sequence(lambda n: f"PT Contoh {n}")
    size_class = SizeClass.LARGE
    branch = factory.SubFactory(BranchFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    class Params:
        female = False

    birth_date = dt.date(1990, 4, 17)
    gender = factory.LazyAttribute(lambda o: "F" if o.female else "M")
    nik = factory.Sequence(lambda n: make_nik("317401", dt.date(1990, 4, 17), False, n))
    kpj_number = factory.Sequence(lambda n: f"{70000000000 + n:011d}")
    name = factory.Sequence(lambda n: f"Pekerja {n}")
    registered_on = dt.date(2021, 6, 1)
    bank_name = "BRI"
    bank_account = factory.Sequence(lambda n: f"0012{n:08d}")
    bank_account_holder = factory.LazyAttribute(lambda o: o.name)
    email = factory.LazyAttribute(lambda o: f"{o.kpj_number}@contoh.invalid")


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(EmployerFactory)
    contract_type = ContractType.PKWTT
    start_date = dt.date(2021, 6, 1)


def add_enrollments(participant: Participant, programs=None) -> None:
    ProgramEnrollment.objects.bulk_create(
        ProgramEnrollment(participant=participant, program=p, since=participant.registered_on)
        for p in (programs or [Program.JKN, Program.JKK, Program.JKM, Program.JHT, Program.JP])
    )


def add_contributions(
    participant: Participant, employer: Employer, *, last: dt.date, months: int, wage: int
) -> None:
    """`months` consecutive paid months ending with the month of `last`."""
    end = last.replace(day=1)
    ContributionMonth.objects.bulk_create(
        ContributionMonth(
            participant=participant,
            employer=employer,
            period=end - relativedelta(months=k),
            wage=wage,
            paid_on=end - relativedelta(months=k) + relativedelta(days=14),
        )
        for k in range(months)
    )
