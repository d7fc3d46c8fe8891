"""A user's own permissions, their groups' and their roles are read together, in one query,
once per request, and the signed-in user comes with their branch; what the user may do is
what Django's own backend allows."""

import pytest
from django.contrib.auth.models import Permission

from jkp_site.core.backends import PermissionBackend
from jkp_site.core.models import User
from jkp_site.core.permissions import ClaimPerm, ParticipantPerm
from jkp_site.core.roles import Role

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_group_and_own_permissions_come_from_one_query(officer, django_assert_num_queries):
    officer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    user = _fresh(officer)
    with django_assert_num_queries(1):
        assert user.has_perm(ClaimPerm.VERIFY)  # the officer's role
        assert user.has_perm(ParticipantPerm.REVEAL)  # given to this user alone
        assert not user.has_perm(ClaimPerm.DECIDE)
        assert not user.has_perm(ClaimPerm.VIEW_ALL_BRANCHES)
        assert user.role_names == {Role.PETUGAS.value}


def test_the_signed_in_user_comes_with_their_branch(officer, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = PermissionBackend().get_user(officer.pk)
        assert user.branch.code == officer.branch.code
    officer.is_active = False
    officer.save()
    assert PermissionBackend().get_user(officer.pk) is None


def test_an_inactive_user_may_do_nothing(officer):
    officer.is_active = False
    officer.save()
    assert not _fresh(officer).has_perm(ClaimPerm.VERIFY)


def test_a_superuser_holds_every_permission(officer):
    officer.is_superuser = True
    officer.save()
    user = _fresh(officer)
    assert user.has_perm(ClaimPerm.DECIDE)
    assert len(user.get_all_permissions()) == Permission.objects.count()
