from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jkp_site import health
from jkp_site.core import views as core_views
from jkp_site.core.account_forms import SignInForm

admin.site.site_header = "JKP: Jaminan Kehilangan Pekerjaan"
admin.site.site_title = "JKP"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", include("reports.metrics")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/workers/", include("portal.branch_urls", namespace="worker_accounts")),
    path("accounts/", include("jkp_site.core.urls", namespace="account")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("training/", include("benefits.urls", namespace="benefits")),
    path("payments/", include("benefits.payment_urls", namespace="payments")),
    path("reassessment/", include("benefits.reassessment_urls", namespace="reassessment")),
    path("claims/", include("claims.urls", namespace="claims")),
    path("api/", include("api.urls", namespace="api")),
    path("reports/", include("reports.urls", namespace="reports")),
    path("portal/", include("portal.urls", namespace="portal")),
]
