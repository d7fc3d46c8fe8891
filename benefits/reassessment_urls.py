from django.urls import path

from benefits import reassessment_views as views

app_name = "reassessment"

urlpatterns = [
    path("", views.rulings, name="rulings"),
    path("receipts/", views.receipts, name="receipts"),
    path("claims/<int:pk>/", views.case, name="case"),
    path("claims/<int:pk>/run/", views.reassess, name="reassess"),
    path("debts/<int:pk>/plan/", views.propose_plan, name="propose_plan"),
    path("debts/<int:pk>/answer/", views.answer, name="answer"),
    path("plans/<int:pk>/decide/", views.decide_plan, name="decide_plan"),
    path("<int:pk>/letter/", views.letter, name="letter"),
]
