from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import Grant, IntegrationClient, NikLookup
from api.services import rotate_integration_token


class IntegrationClientForm(forms.ModelForm):
    grants = forms.MultipleChoiceField(
        label=_("grants"), choices=Grant.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = IntegrationClient
        fields = [
            "name",
            "grants",
            "branch",
            "employer",
            "is_active",
            "expires_at",
            "allowed_networks",
            "rate_per_minute",
        ]


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py create_api_client`; here they are reviewed, scoped,
    switched off or rotated (the new token is shown once, in the confirmation message)."""

    list_display = ["name", "granted", "branch", "employer", "is_active", "last_used_at"]
    list_filter = ["is_active", "branch"]
    search_fields = ["name"]
    readonly_fields = ["token_prefix", "last_used_at", "created_at"]
    fields = [
        "name",
        "grants",
        "branch",
        "employer",
        "is_active",
        "expires_at",
        "allowed_networks",
        "rate_per_minute",
        *readonly_fields,
    ]
    raw_id_fields = ["employer"]
    actions = ["rotate_token"]
    form = IntegrationClientForm

    def has_add_permission(self, request) -> bool:
        return False

    def get_fields(self, request, obj=None):
        """A reader who may not change the client sees the grants by name, not their codes."""
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields[fields.index("grants")] = "granted"
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "granted"]

    @admin.display(description=_("grants"))
    def granted(self, obj: IntegrationClient) -> str:
        labels = dict(Grant.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.grants)

    @admin.action(
        description=_("Rotate the token (the old one stops working)"), permissions=["change"]
    )
    def rotate_token(self, request, queryset):
        for client in queryset:
            token = rotate_integration_token(client=client, acting_user=request.user)
            self.log_change(request, client, [{"changed": {"fields": ["token"]}}])
            self.message_user(
                request,
                _("New token for %(name)s (shown once): %(token)s")
                % {"name": client.name, "token": token},
                messages.WARNING,
            )


@admin.register(NikLookup)
class NikLookupAdmin(admin.ModelAdmin):
    """Head office reads which system looked up a NIK, when, and what it found. Nobody edits
    the record; the NIK itself is not in it (its blind index is)."""

    list_display = ["at", "client", "endpoint", "outcome"]
    list_filter = ["client", "endpoint", "outcome"]
    date_hierarchy = "at"
    list_select_related = ["client"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
