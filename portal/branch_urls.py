"""The branch's page for workers' portal accounts (staff), under /accounts/workers/."""

from django.urls import path

from portal import account_views

app_name = "worker_accounts"

urlpatterns = [
    path("", account_views.worker_accounts, name="search"),
    path("<int:participant_pk>/reset-link/", account_views.issue_reset_link, name="reset_link"),
]
