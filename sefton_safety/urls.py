"""The portal's URL map."""

from django.contrib import admin
from django.urls import include, path

from .views import club_stylesheet

admin.site.site_title = "Sefton Safety"
admin.site.index_title = "Club administration"

urlpatterns = [
    path("club.css", club_stylesheet, name="club-stylesheet"),
    path("admin/", admin.site.urls),
    path("consents/", include("consents.urls")),
    path("messages/", include("messaging.urls")),
    path("concerns/", include("incidents.urls")),
    path("accounts/", include("accounts_registry.urls")),
    path("register/", include("spreadsheets.urls")),
    path("", include("compliance.urls")),
    path("", include("people.urls")),
    path("", include("portal.urls")),
]

handler400 = "sefton_safety.errors.bad_request"
handler403 = "sefton_safety.errors.permission_denied"
handler404 = "sefton_safety.errors.page_not_found"
handler500 = "sefton_safety.errors.server_error"
