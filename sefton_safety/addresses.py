"""The address a request came from, as the limits that count per address must see it."""

from django.conf import settings


def client_address(request):
    """Behind `PROXY_COUNT` trusted proxies, the client is the entry that many places from the right
    of X-Forwarded-For (each proxy appends the address it saw; anything further left was written
    by the client and proves nothing). Without a proxy, or if the header is short, the peer."""
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    count = getattr(settings, "PROXY_COUNT", 0)
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META["REMOTE_ADDR"]
