from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Kanwil(BaseModel):
    """Kantor Wilayah: a regional office grouping branch offices."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("regional office")
        verbose_name_plural = _("regional offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KantorCabang(BaseModel):
    """A branch office. Staff belong to one; every queue and object URL is scoped to it."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kanwil = models.ForeignKey(
        Kanwil, on_delete=models.PROTECT, related_name="branches", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_offices",
        verbose_name=_("parent branch"),
        help_text=_("For a sub-office (KCP): the branch it reports to."),
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member (with a branch) or a worker using the portal (without one)."""

    branch = models.ForeignKey(
        KantorCabang,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("branch office"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_role(self, role: str) -> bool:
        return any(group.name == role for group in self.groups.all())
