from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/generate/", views.generate, name="generate"),
    path("monthly/<str:month>/<str:fmt>/", views.download, name="download"),
    path("same-day/<str:month>/", views.same_day_missed, name="same_day_missed"),
]
