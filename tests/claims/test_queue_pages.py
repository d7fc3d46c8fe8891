"""The queue at scale: keyset pages in every order (empty values included) walk every claim
once in both directions, the per-state counts the database keeps equal a fresh count after
every kind of change, the search finds by name, number prefix and KPJ, and the query count
of page 1 and of the last page stays fixed."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import keyset, selectors
from claims.models import Claim, ClaimState, ClaimStateCount
from tests.claims.conftest import bare_claim
from tests.factories import BranchFactory, EmployerFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
S = ClaimState
QUEUE_QUERIES = 10


@pytest.fixture
def sub_office(branch):
    return BranchFactory(code="JKT-K", name="Jakarta KCP", kanwil=branch.kanwil, parent=branch)


@pytest.fixture
def many(employer, sub_office):
    """31 claims over the branch and its sub-office, with ties in every order and empty claim
    dates and clocks among them."""
    sub_employer = EmployerFactory(branch=sub_office)
    start = timezone.now() - dt.timedelta(days=40)
    claims = []
    for number in range(31):
        claim = bare_claim(
            ParticipantFactory(),
            employer if number % 3 else sub_employer,
            [S.SUBMITTED, S.VERIFYING, S.DRAFT][number % 3],
        )
        Claim.objects.filter(pk=claim.pk).update(
            state_changed_at=None if number % 10 == 4 else start + dt.timedelta(days=number // 4),
            claim_date=None if number % 5 == 0 else dt.date(2026, 1, 1 + number // 3),
            number=f"JKP-2026-{(number * 7) % 31:06d}",
        )
        claim.termination.phk_date = dt.date(2026, 1, 1) + dt.timedelta(days=number % 4)
        claim.termination.save()
        claims.append(claim.pk)
    return claims


def expected_order(name: str) -> list[int]:
    order, descending = keyset.parse_order(name)
    rows = list(Claim.objects.select_related("termination"))

    def key(claim):
        value = keyset._value_of(claim, order.field)
        tie = getattr(claim, order.tie)
        return (value is None, value if value is not None else 0, tie)

    ordered = sorted(rows, key=key)
    return [c.pk for c in (reversed(ordered) if descending else ordered)]


NAMES = ["waiting", "-waiting", "phk_date", "-phk_date", "claim_date", "-claim_date", "number",
         "-number"]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_keyset_pages_walk_every_claim_once_both_ways(name, many):
    order, descending = keyset.parse_order(name)
    queryset = Claim.objects.select_related("termination")
    seen, after = [], None
    for _ in range(10):
        page = keyset.paginate(queryset, order=order, descending=descending, size=7, after=after)
        seen += [c.pk for c in page.rows]
        after = page.next_cursor
        if after is None:
            break
    assert seen == expected_order(name)

    back = keyset.paginate(queryset, order=order, descending=descending, size=7, last=True)
    assert back.is_last
    assert back.next_cursor is None
    seen_back = [c.pk for c in back.rows]
    before = back.previous_cursor
    while before is not None:
        page = keyset.paginate(queryset, order=order, descending=descending, size=7, before=before)
        seen_back = [c.pk for c in page.rows] + seen_back
        assert page.next_cursor is not None
        before = page.previous_cursor
    assert seen_back == expected_order(name)


def test_per_branch_parts_give_the_same_pages(many, branch, sub_office):
    order, descending = keyset.parse_order("claim_date")
    queryset = Claim.objects.select_related("termination")
    plain = keyset.paginate(queryset, order=order, descending=descending, size=9)
    split = keyset.paginate(
        queryset, order=order, descending=descending, size=9, branch_ids=[branch.pk, sub_office.pk]
    )
    assert [c.pk for c in split.rows] == [c.pk for c in plain.rows]
    assert split.next_cursor == plain.next_cursor


@pytest.mark.parametrize("token", ["", "not-base64!", "WzEsMl0", "WyJ4IiwgIjEiXQ", "bnVsbA"])
def test_a_forged_cursor_reads_the_first_page(many, token):
    order, descending = keyset.parse_order("claim_date")
    queryset = Claim.objects.select_related("termination")
    first = keyset.paginate(queryset, order=order, descending=descending, size=5)
    forged = keyset.paginate(queryset, order=order, descending=descending, size=5, after=token)
    assert [c.pk for c in forged.rows] == [c.pk for c in first.rows]


def test_queue_pages_follow_next_and_last_links(client, officer, many):
    client.force_login(officer)
    numbers, url = [], reverse("claims:list") + "?ordering=number"
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200
        numbers += [row["claim"].number for row in response.context["rows"]]
        found = re.search(r'rel="next" href="\?([^"]+)"', response.content.decode())
        if not found:
            break
        url = reverse("claims:list") + "?" + found[1].replace("&amp;", "&")
    assert numbers == sorted(Claim.objects.values_list("number", flat=True))
    last = client.get(reverse("claims:list"), {"ordering": "number", "last": "1"})
    # The last page is the last full page (keyset pages are aligned on the end it starts from).
    assert [row["claim"].number for row in last.context["rows"]] == numbers[-25:]


def all_counts():
    kept = {
        (row.branch_id, row.state): row.total for row in ClaimStateCount.objects.all() if row.total
    }
    fresh = {}
    for claim in Claim.objects.all():
        fresh[(claim.branch_id, claim.state)] = fresh.get((claim.branch_id, claim.state), 0) + 1
    return kept, fresh


def test_kept_state_counts_follow_every_change(many, employer, other_branch):
    kept, fresh = all_counts()
    assert kept == fresh
    claim = Claim.objects.filter(state=S.SUBMITTED).first()
    claim.state = S.VERIFYING
    claim.save(update_fields=["state"])
    Claim.objects.filter(state=S.DRAFT).update(state=S.WITHDRAWN)
    Claim.objects.filter(pk=Claim.objects.filter(state=S.VERIFYING).first().pk).update(
        branch=other_branch
    )
    claim = Claim.objects.filter(state=S.WITHDRAWN).first()
    claim.delete()
    kept, fresh = all_counts()
    assert kept == fresh


def test_state_counts_are_scoped_like_the_queue(many, officer, head_office, outsider):
    for user in (officer, head_office, outsider):
        visible = selectors.claims_visible_to(user)
        expected = {state: visible.filter(state=state).count() for state in S.values}
        assert selectors.state_counts(user) == expected


def test_search_by_name_number_prefix_and_kpj(client, officer, employer):
    people = [ParticipantFactory(name=name) for name in ("Siti Rahayu", "Budi Santoso", "Rahmat")]
    claims = [bare_claim(person, employer, S.SUBMITTED) for person in people]
    Claim.objects.filter(pk=claims[1].pk).update(number="JKP-2026-777001")
    client.force_login(officer)

    def found(q):
        response = client.get(reverse("claims:list"), {"q": q})
        return {row["claim"].pk for row in response.context["rows"]}

    assert found("rahayu") == {claims[0].pk}
    assert found("RAH") == {claims[0].pk, claims[2].pk}
    assert found("jkp-2026-777") == {claims[1].pk}
    assert found(people[2].kpj_number) == {claims[2].pk}
    assert found("nobody") == set()


def test_a_name_just_written_is_found_from_the_index_itself(client, officer, employer):
    """PostgreSQL: the trigram index keeps no pending list (claims.0016), so a search never
    reads through the names written since the last VACUUM; the new name is found at once."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'participant_name_trgm'")
        assert cursor.fetchone() == (["fastupdate=off"],)
    claim = bare_claim(ParticipantFactory(name="Kartika Wulandari"), employer, S.SUBMITTED)
    client.force_login(officer)
    response = client.get(reverse("claims:list"), {"q": "wulandari"})
    assert [row["claim"].pk for row in response.context["rows"]] == [claim.pk]


@pytest.mark.parametrize("n", [3, 40])
@pytest.mark.parametrize("params", [{}, {"last": "1"}, {"ordering": "-claim_date", "last": "1"}])
def test_queue_page_one_and_last_page_have_fixed_query_counts(
    n, params, client, officer, head_office, employer, sub_office, django_assert_max_num_queries
):
    sub_employer = EmployerFactory(branch=sub_office)
    for number in range(n):
        bare_claim(ParticipantFactory(), employer if number % 2 else sub_employer, S.SUBMITTED)
    for user in (officer, head_office):
        client.force_login(user)
        client.get(reverse("claims:list"))  # the office list is kept in the cache
        with django_assert_max_num_queries(QUEUE_QUERIES):
            response = client.get(reverse("claims:list"), params)
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(n, 25) or params.get("last")


def test_counts_beyond_the_limit_say_more_than(client, head_office, employer, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 3)
    for _ in range(5):
        bare_claim(ParticipantFactory(), employer, S.SUBMITTED)
    client.force_login(head_office)
    response = client.get(reverse("claims:list"), {"reason": "efficiency", "ordering": "number"})
    assert response.context["total"] == 4
    assert "3" in response.content.decode().split('id="claim-total"')[1].split("</p>")[0]


def test_the_ordering_names_cover_the_filter_choices():
    from claims.filters import ClaimFilter

    choices = dict(ClaimFilter.base_filters["ordering"].extra["choices"])
    offered = {name.lstrip("-") for name in choices}
    assert offered == set(keyset.ORDERS)
    assert all(keyset.parse_order(name)[1] == name.startswith("-") for name in choices)
