from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jkp_site.core.admin_display import machine_data
from jkp_site.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Operations read what is owed and why it has not gone; nobody edits it by hand."""

    list_display = ["created_at", "task", "state", "attempts", "available_at", "sent_at"]
    list_filter = ["state", "task"]
    readonly_fields = [
        *(f.name for f in OutboxMessage._meta.fields if f.name not in ("args", "kwargs")),
        "arguments",
        "keyword_arguments",
    ]

    @admin.display(description=_("arguments"))
    def arguments(self, obj: OutboxMessage):
        return machine_data(obj.args)

    @admin.display(description=_("keyword arguments"))
    def keyword_arguments(self, obj: OutboxMessage):
        return machine_data(obj.kwargs)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
