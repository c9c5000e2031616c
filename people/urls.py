from django.contrib.auth import views as auth_views
from django.urls import path

from . import hold_views, role_views, views

app_name = "people"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/link/", views.sign_in_link_request, name="link-request"),
    path("sign-in/link/open/", views.sign_in_link_open, name="link-open"),
    path("sign-in/password/", views.password_link_request, name="password-link-request"),
    path("sign-in/password/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password-set"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-in/two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
    path("families/<int:pk>/", views.family_detail, name="family-detail"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("roles/grants/", role_views.role_grant_list, name="role-grant-list"),
    path("roles/grants/<int:pk>/confirm/", role_views.role_grant_confirm, name="role-grant-confirm"),
    path("roles/grants/<int:pk>/refuse/", role_views.role_grant_refuse, name="role-grant-refuse"),
    path("holds/", hold_views.legal_holds, name="legal-holds"),
    path("holds/lift/", hold_views.legal_hold_remove, name="legal-hold-remove"),
]
