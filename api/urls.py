from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views

app_name = "api"

urlpatterns = [
    path("v1/eligibility/", views.EligibilityView.as_view(), name="v1-eligibility"),
    path("v1/phk-reports/", views.PhkReportView.as_view(), name="v1-phk-report"),
    path("v1/claims/<str:number>/", views.ClaimStatusView.as_view(), name="v1-claim-status"),
    path("v1/changes/", views.ChangesView.as_view(), name="v1-changes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
