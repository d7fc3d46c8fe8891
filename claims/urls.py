from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("take-next/", views.take_next, name="take_next"),
    path("intake/", views.participant_search, name="intake"),
    path("find-by-nik/", views.find_by_nik, name="find_by_nik"),
    path("intake/<int:participant_pk>/", views.claim_create, name="create"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/edit/", views.claim_edit, name="edit"),
    path("<int:pk>/approval/", views.claim_approval, name="approval"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/view/", views.document_view, name="document_view"),
    path("<int:pk>/letters/<slug:kind>/", views.letter_download, name="letter_download"),
    path("documents/<int:pk>/check/", views.document_check, name="document_check"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("documents/<int:pk>/replace/", views.document_replace, name="document_replace"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/verify/", views.start_verification, name="start_verification"),
    path("<int:pk>/eligibility/", views.run_eligibility, name="run_eligibility"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/return/", views.return_claim, name="return"),
    path("<int:pk>/appeal/", views.appeal, name="appeal"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("bank-changes/<int:pk>/decide/", views.bank_change_decide, name="bank_change_decide"),
    path("identity-flags/<int:pk>/clear/", views.identity_flag_clear, name="identity_flag_clear"),
]
