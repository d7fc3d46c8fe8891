"""Addresses of one's own sign-in under /accounts/ (the sign-in page itself is in jkp_site.urls)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from jkp_site.core import account_views as views

app_name = "account"

urlpatterns = [
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/recovery-codes/", views.recovery_codes, name="otp_recovery_codes"),
    path("security/", views.security, name="security"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("password/change/", views.StaffPasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.StaffPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.StaffPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("staff/", views.staff_accounts, name="staff_accounts"),
    path(
        "staff/<int:pk>/reset-second-factor/",
        views.staff_reset_second_factor,
        name="staff_reset_second_factor",
    ),
]
