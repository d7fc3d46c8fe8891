from django.urls import path

from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("claims/<int:pk>/", views.benefit, name="benefit"),
    path("claims/<int:pk>/activities/", views.activity_add, name="activity_add"),
    path("claims/<int:pk>/counselling/", views.counselling_schedule, name="counselling_schedule"),
    path("claims/<int:pk>/reemployment/", views.reemployment, name="reemployment"),
    path("claims/<int:pk>/referrals/", views.refer, name="refer"),
    path("activities/<int:pk>/outcome/", views.counselling_outcome, name="counselling_outcome"),
    path("referrals/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("referrals/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("referrals/<int:pk>/complete/", views.complete, name="complete"),
    path("referrals/<int:pk>/end/", views.end_referral, name="end_referral"),
    path("providers/", views.providers, name="providers"),
    path("programmes/new/", views.program_create, name="program_create"),
]
