from django.urls import path

from . import views

app_name = "consents"

urlpatterns = [
    path("", views.my_consents, name="my-consents"),
    path("<int:pk>/answer/", views.consent_answer, name="answer"),
    path("<int:pk>/acceptable-use/", views.acceptable_use, name="acceptable-use"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("decide/<str:token>/", views.decide, name="decide"),
    path("team-sheet/<int:pk>/", views.team_sheet, name="team-sheet"),
    path("rounds/", views.rounds, name="rounds"),
]
