"""The stylesheet of the club's own colour, from its settings."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from .club import club
from .middleware import public_page


def _lighter(colour, share=0.9):
    """The colour mixed with white: the pale background of badges in the club's colour."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in channels)


@require_GET
@public_page
def club_stylesheet(request):
    """The page's link names the colour (?v=), so a changed colour is a new address and this one
    may be cached for long."""
    colour = club().colour
    css = f":root {{ --club-green: {colour}; --club-green-light: {_lighter(colour)}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
