from django.urls import path

from claims import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.dashboard, name="dashboard"),
]
