from django.urls import path

from benefits import payment_views

app_name = "payments"

urlpatterns = [
    path("", payment_views.batch_list, name="batch_list"),
    path("run/", payment_views.batch_run, name="batch_run"),
    path("progress/", payment_views.gather_progress, name="gather_progress"),
    path("<int:pk>/", payment_views.batch_detail, name="batch_detail"),
    path("<int:pk>/export/", payment_views.batch_export, name="batch_export"),
    path("<int:pk>/import/", payment_views.batch_import, name="batch_import"),
    path("claims/<int:claim_pk>/account/", payment_views.correct_account, name="correct_account"),
]
