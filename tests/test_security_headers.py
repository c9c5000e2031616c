"""The headers every page carries, proved over the whole URLconf: no signed-in page can be cached,
and the browser is told the portal's rules (CSP, HSTS, framing, referrer, features)."""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from people import services as people_services
from people.models import Role
from tests import factories

ROOT = Path(__file__).resolve().parent.parent

# Pages that show nothing about anyone and say so with `sefton_safety.middleware.public_page`.
PUBLIC_PAGES = {"accounts_registry:public"}


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _arguments(pattern):
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters.items())
    return [(name, None) for name in pattern.pattern.regex.groupindex]


def signed_in_urls(objects):
    """Every named URL of the URLconf, filled with real objects where a page shows one."""
    urls = []
    for name, pattern in _patterns(get_resolver()):
        kwargs = {}
        for argument, converter in _arguments(pattern):
            kind = type(converter).__name__ if converter is not None else ""
            if argument in objects.get(name, {}):
                kwargs[argument] = objects[name][argument]
            elif argument == "app_label":
                kwargs[argument] = "people"
            elif kind == "IntConverter" or argument.endswith("_id") or argument in {"pk", "version"}:
                kwargs[argument] = 1
            else:
                kwargs[argument] = "unknown"
        regex = getattr(pattern.pattern, "regex", None)
        if not kwargs and regex is not None and regex.groups:
            # Unnamed groups (an admin history entry): positional values, the object first.
            urls.append((name, reverse(name, args=["1"] * regex.groups)))
        else:
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


@pytest.fixture
def club(welfare_officer, child, family, squad):
    """A welfare officer who also sits on the committee and runs the admin, so the most pages open."""
    people_services.role_grant(person=welfare_officer, kind=Role.Kind.COMMITTEE, starts_on=factories.years_ago(1))
    welfare_officer.user.is_staff = welfare_officer.user.is_superuser = True
    welfare_officer.user.save(update_fields=["is_staff", "is_superuser"])
    incident = factories.IncidentFactory()
    return {
        "people:person-detail": {"pk": child.pk},
        "people:family-detail": {"pk": family.pk},
        "people:team-detail": {"pk": squad.pk},
        "consents:team-sheet": {"pk": squad.pk},
        "admin:people_person_change": {"object_id": child.pk},
        "admin:people_family_change": {"object_id": family.pk},
        **{
            f"incidents:{name}": {"reference": incident.reference}
            for name in ("case-detail", "case-reads", "case-export", "evidence-missing")
        },
    }


def test_sec_every_signed_in_response_in_the_urlconf_is_no_store(welfare_officer, club, signed_in):
    """Issue point 7: no-store is the default for every signed-in response, public pages opting out."""
    client = signed_in(welfare_officer)
    cached, opened, urls = [], 0, signed_in_urls(club)
    assert len(urls) > 60, "the walk must cover the whole URLconf"
    for name, url in urls:
        response = client.get(url)
        if "_auth_user_id" not in client.session:
            client = signed_in(welfare_officer)
            continue
        opened += response.status_code == 200
        no_store = "no-store" in response.get("Cache-Control", "")
        if no_store == (name in PUBLIC_PAGES):
            cached.append(f"{url} ({response.status_code}, Cache-Control: {response.get('Cache-Control')!r})")
    assert cached == []
    # The walk reaches real pages, not only refusals and redirects.
    assert opened > 40


def test_sec_an_anonymous_public_page_may_be_cached_and_a_signed_in_one_may_not(client, volunteer, signed_in):
    """Issue point 7: the rule follows the session, not the URL: the same page differs by visitor."""
    anonymous = client.get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    signed_in(volunteer)
    assert "no-store" in client.get("/")["Cache-Control"]
    assert "no-store" in client.get("/concerns/mine/")["Cache-Control"]
    assert "no-store" not in client.get("/accounts/").get("Cache-Control", "")
