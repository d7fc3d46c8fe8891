from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import KantorCabang, Kanwil, User


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
        *DjangoUserAdmin.fieldsets,
        (_("Branch office"), {"fields": ("branch",)}),
    )
    list_display = ["username", "first_name", "last_name", "branch", "is_staff", "is_active"]
    list_filter = [*DjangoUserAdmin.list_filter, "branch"]
    list_select_related = ["branch"]
