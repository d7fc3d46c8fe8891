from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jkp_site.core import twofactor
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.identity import record_account_event
from jkp_site.core.models import AccountEvent, KantorCabang, Kanwil, User
from jkp_site.core.passwords import reset_path


@admin.register(Kanwil)
class KanwilAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(KantorCabang)
class KantorCabangAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kanwil", "parent", "city"]
    list_filter = ["kanwil"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["kanwil", "parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Branch office"), {"fields": ("branch",)}),
    )
    list_display = ["username", "first_name", "last_name", "branch", "is_staff", "is_active"]
    list_filter = [*DjangoUserAdmin.list_filter, "branch"]
    list_select_related = ["branch"]
    actions = ["make_password_reset_links", "reset_second_factors"]

    def has_superuser_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Make a password reset link (shown once)"), permissions=["superuser"]
    )
    def make_password_reset_links(self, request, queryset):
        """One single-use, expiring link per selected account, shown on the page this action
        answers with and nowhere else; each one recorded."""
        links = []
        for user in queryset.filter(is_active=True):
            record_account_event(
                kind=AccountEvent.Kind.ADMIN_RESET_LINK,
                actor=request.user,
                subject=user,
                request=request,
            )
            links.append((user, request.build_absolute_uri(reset_path(user))))
        response = TemplateResponse(
            request,
            "admin/core/user/reset_links.html",
            {
                **self.admin_site.each_context(request),
                "links": links,
                "opts": self.model._meta,
                "title": _("Password reset links"),
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Reset the second factor"), permissions=["superuser"])
    def reset_second_factors(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                twofactor.reset_second_factor(actor=request.user, target=user, request=request)
            except ApplicationError as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "The second factor of %(count)d account is reset.",
                    "The second factors of %(count)d accounts are reset.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """Read only: the record of resets and reset links, for superusers."""

    list_display = ["created_at", "kind", "actor_username", "subject_username", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["actor_username", "subject_username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
