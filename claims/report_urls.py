from django.urls import path

from claims import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("monthly/", report_views.monthly, name="monthly"),
    path("monthly/generate/", report_views.generate, name="generate"),
    path("monthly/<str:month>/<str:fmt>/", report_views.download, name="download"),
]
