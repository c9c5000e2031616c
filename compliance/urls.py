from django.urls import path

from . import setup_views, views

app_name = "compliance"

urlpatterns = [
    path("committee/", views.dashboard, name="dashboard"),
    path("committee/acknowledgements/", views.acknowledgements, name="acknowledgements"),
    path("committee/agreements/", views.agreements, name="agreements"),
    path("committee/training/", views.training, name="training"),
    path("committee/policy/", views.policy_list, name="policy-list"),
    path("committee/policy/<int:version>/", views.policy_detail, name="policy-detail"),
    path("committee/settings/", views.club_settings, name="club-settings"),
    path("committee/report.pdf", views.season_report, name="season-report"),
    path("committee/families/<int:pk>/data/", views.subject_access_export, name="subject-access"),
    path("setup/", setup_views.club_setup, name="club-setup"),
    path("policy/", views.acknowledge, name="acknowledge"),
]
