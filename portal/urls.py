from django.urls import path

from portal import account_views, reassessment_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("password/reset/", account_views.password_reset, name="password_reset"),
    path("password/reset/sent/", account_views.password_reset_done, name="password_reset_done"),
    path("password/reset/phone/", account_views.password_reset_phone, name="password_reset_phone"),
    path("password/reset/code/", account_views.password_reset_code, name="password_reset_code"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("password/change/", account_views.password_change, name="password_change"),
    path("activate/", views.activate, name="activate"),
    path("email/", views.change_email, name="change_email"),
    path("email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("phone/", views.change_phone, name="change_phone"),
    path("phone/confirm/", views.confirm_phone, name="confirm_phone"),
    path("check/", views.precheck, name="precheck"),
    path("notifications/", views.notifications, name="notifications"),
    path("claims/new/", views.file_claim, name="file_claim"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/<slug:step>/", views.claim_step, name="claim_step"),
    path("claims/<int:pk>/appeal/", views.claim_appeal, name="claim_appeal"),
    path("claims/<int:pk>/letters/<slug:kind>/", views.letter_download, name="letter"),
    path("claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("claims/<int:pk>/activity/", views.report_activity, name="report_activity"),
    path("claims/<int:pk>/employment-status/", views.employment_status, name="employment_status"),
    path("training/<int:pk>/accept/", views.accept_training, name="accept_training"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("instalments/<int:pk>/", views.instalment_detail, name="instalment"),
    path("debts/<int:pk>/object/", reassessment_views.object_to_debt, name="debt_object"),
    path(
        "reassessments/<int:pk>/letter/",
        reassessment_views.reassessment_letter,
        name="reassessment_letter",
    ),
]
