"""The headers every page carries, proved over the whole URLconf: no signed-in page can be cached,
and the browser is told the portal's rules (CSP, HSTS, framing, referrer, features)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from people import role_grants
from people.models import Role
from tests import factories
from tests.test_settings import PRODUCTION

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parent.parent

# Pages that show nothing about anyone and say so with `sefton_safety.middleware.public_page`.
# The public accounts page, and the club's colours, whose address changes with the colour.
PUBLIC_PAGES = {"accounts_registry:public", "club-stylesheet"}


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


def header_faults(response):
    """What is missing from one response's security headers, in words."""
    faults = []
    policy = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in policy or "frame-ancestors 'none'" not in policy:
        faults.append(f"CSP {policy!r}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        faults.append(f"CSP allows inline code: {policy!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        faults.append("no nosniff")
    if response.get("X-Frame-Options") != "DENY":
        faults.append("framing allowed")
    if response.get("Referrer-Policy") != "same-origin":
        faults.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        faults.append(f"Permissions-Policy {response.get('Permissions-Policy')!r}")
    return faults


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
    role_grants.role_grant(person=welfare_officer, kind=Role.Kind.COMMITTEE, starts_on=factories.years_ago(1))
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
    device = {"pk": welfare_officer.user.totpdevice_set.get().pk}
    club.update({f"admin:otp_totp_totpdevice_{view}": device for view in ("config", "qrcode")})
    cached, unguarded, opened, urls = [], [], 0, signed_in_urls(club)
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
        if faults := header_faults(response):
            unguarded.append(f"{url}: {', '.join(faults)}")
    assert cached == []
    assert unguarded == []
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


@pytest.mark.parametrize("url", ["/", "/sign-in/", "/concerns/report/", "/accounts/", "/no-such-page/", "/admin/"])
def test_sec_anonymous_pages_carry_the_same_security_headers(db, client, url):
    """Standing guarantee 2: CSP without unsafe-inline, nosniff, frame denial, Referrer-Policy and
    Permissions-Policy on public pages, errors and redirects alike."""
    response = client.get(url)
    assert header_faults(response) == [], url


PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
# The probe has no collected static files; the manifest storage would refuse every page.
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    response = Client().get("/sign-in/", secure=True, headers={"host": "safety.example.org"})
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "cookies": {name: dict(morsel, secure=morsel["secure"]) for name, morsel in response.cookies.items()},
    "session_cookie": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                       settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN],
}))
"""


def production_response(database_name):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))}
    env.update(PRODUCTION, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database_name}")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_sec_production_sends_hsts_and_host_prefixed_session_and_csrf_cookies():
    """Standing guarantee 2, production side: HSTS for a year with sub-domains, and cookies that
    only this host over HTTPS can set (`__Host-`: Secure, Path=/, no Domain)."""
    probe = production_response(connection.settings_dict["NAME"])
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in headers["Permissions-Policy"]
    csrf = probe["cookies"]["__Host-csrftoken"]
    assert csrf["secure"] is True and csrf["path"] == "/" and csrf["domain"] == ""
    assert probe["session_cookie"] == ["__Host-sessionid", True, "/", None]
