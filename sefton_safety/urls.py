"""The portal's URL map."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.CLUB_NAME}: committee administration"
admin.site.site_title = "Sefton Safety"
admin.site.index_title = "Club register"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("consents/", include("consents.urls")),
    path("messages/", include("messaging.urls")),
    path("concerns/", include("incidents.urls")),
    path("accounts/", include("accounts_registry.urls")),
    path("", include("compliance.urls")),
    path("", include("people.urls")),
    path("", include("portal.urls")),
]

handler400 = "sefton_safety.errors.bad_request"
handler403 = "sefton_safety.errors.permission_denied"
handler404 = "sefton_safety.errors.page_not_found"
handler500 = "sefton_safety.errors.server_error"
