"""The portal's URL map plus the bench's bare reference view, which production never serves."""

from django.http import HttpResponse
from django.urls import path

from sefton_safety.urls import handler400, handler403, handler404, handler500
from sefton_safety.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def ok(request):
    """Through every middleware, signed in or not, and nothing else: what a page costs at least."""
    request.user.is_authenticated  # noqa: B018 (the signed-in state is loaded, as every page loads it)
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *portal_urlpatterns]
