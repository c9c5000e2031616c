"""Settings for every environment, read from the environment.

With nothing configured the portal runs on an embedded SQLite database and a filesystem message
broker (development only: `DJANGO_DEBUG=true`). Production refuses to start without a secret key
and allowed hosts. `.env.example` and the README list every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.module_loading import import_string

from .env import env_bool, env_file_read, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# The project's `.env` (README, "Start your club"), read by every command alike (manage.py,
# gunicorn, the worker and the scheduler) before any setting; a variable set in the environment
# wins over it. SEFTON_ENV_FILE names another file, or, empty, none: the test settings and the demo
# club never read a real club's file.
ENV_FILE = os.environ.get("SEFTON_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    env_file_read(ENV_FILE, required="SEFTON_ENV_FILE" in os.environ)
VAR_DIR = Path(env_str("SEFTON_VAR_DIR", str(BASE_DIR / "var")))

# Development mode: a built-in secret key, the local hosts, email printed, no HTTPS settings.
DEVELOPMENT = env_bool("DJANGO_DEBUG", False)
# Django's technical error pages (a traceback, the list of every URL on a 404) in place of the
# portal's own, in development only. The demo turns them off, so that whoever tries it sees the
# 404, 403 and 500 pages a club's members would; the development defaults stay.
DEBUG = DEVELOPMENT and env_bool("DJANGO_TECHNICAL_ERROR_PAGES", True)

if DEVELOPMENT:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the portal serves.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "sefton_safety.errors.csrf_failure"

# The club this installation serves. The committee's settings page (sefton_safety.club) overrides
# the name, colour, emergency phone, time zone, office hours, school list, copies and retention;
# the variables below are the defaults for a club that has not set them.
CLUB_NAME = env_str("CLUB_NAME", "Sefton Park Cricket Club")
CLUB_COLOUR = env_str("CLUB_COLOUR", "#14532d")
CLUB_EMERGENCY_PHONE = env_str("CLUB_EMERGENCY_PHONE", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEMO_MODE = env_bool("SEFTON_DEMO", False)
# The welfare officers' names and numbers for the page shown while the database is unavailable,
# which cannot read them from the register.
WELFARE_CONTACT = env_str("WELFARE_CONTACT", "")

INSTALLED_APPS = [
    "people.apps.CommitteeAdminConfig",
    "sefton_safety.apps.SeftonSafetyConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "guardian",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_ratelimit",
    "people",
    "consents",
    "accounts_registry",
    "incidents",
    "messaging",
    "compliance",
    "spreadsheets",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sefton_safety.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The address and sign-in that the read log of a case records for each read.
    "sefton_safety.request_context.RequestOriginMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "people.middleware.CachedAuthenticationMiddleware",
    # Sees every response after the user is known, the second-factor redirects below included.
    "sefton_safety.middleware.PrivateByDefaultMiddleware",
    "people.middleware.CachedOTPMiddleware",
    # Loads the user under a guard, so a database outage is answered with the 503 page.
    "sefton_safety.errors.DatabaseUnavailableMiddleware",
    "sefton_safety.middleware.ClubTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "people.middleware.SessionRolesMiddleware",
    "people.middleware.SecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes goes last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sefton_safety.urls"
WSGI_APPLICATION = "sefton_safety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.club",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
# Migrations run as the tables' owner, the portal as a role that owns nothing (README, "The
# database"): `make setup` and `make serve` migrate with DATABASE_AS_OWNER=true, which connects as
# OWNER_DATABASE_URL where one is given, and as DATABASE_URL, then the owner, where none is.
if env_bool("DATABASE_AS_OWNER", False):
    DATABASE_URL = env_str("OWNER_DATABASE_URL", DATABASE_URL)
if not DATABASE_URL:
    # The embedded database for a machine with no server: a file under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL through Django's own psycopg pool: each process keeps up to DATABASE_POOL_MAX_SIZE
# connections open and lends them per request, instead of one persistent connection per thread.
# The pool owns the connections, so Django's CONN_MAX_AGE must be 0 beside it.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
if DATABASE_POOL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs a PostgreSQL DATABASE_URL.")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database is written by the web, the worker's processes and the scheduler at
    # once. WAL lets readers go on while one writes; IMMEDIATE takes the write lock when a
    # transaction begins, so a transaction that read first never fails to upgrade its lock ("database
    # is locked" at once, whatever the timeout); the busy timeout makes a writer wait its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role the web and the worker connect as (sefton_safety.database_roles). Where set,
# each migrate, run as the owner, keeps that role's privileges right for the tables there are.
PORTAL_DATABASE_ROLE = env_str("PORTAL_DATABASE_ROLE", "")

# The cache holds the per-address counts of the concern form's limit, so every web process must
# share it: Redis (CACHE_URL, else the broker's Redis). Without Redis only the development server,
# a single process, may count in its own memory; in production that is refused at start-up
# (django_ratelimit.E003 in `manage.py check --deploy`).
_broker_url = env_str("CELERY_BROKER_URL", "")
CACHE_URL = env_str("CACHE_URL", _broker_url if _broker_url.startswith(("redis://", "rediss://")) else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sefton"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = [
    # Django's own Redis cache counts with Redis's atomic INCR; the library lists only others.
    "django_ratelimit.W001",
    *(["django_ratelimit.E003"] if DEVELOPMENT and not CACHE_URL else []),
]
# The concern form (INC-1) per address: past the first rate a report is stored without alerting
# the welfare officers again; past the second the form is refused, keeping what was typed.
CONCERN_ALERT_RATE = env_str("CONCERN_ALERT_RATE", "5/10m")
CONCERN_REPORT_RATE = env_str("CONCERN_REPORT_RATE", "20/h")

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: a locked-out account is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "people.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Signed, single-use, time-limited links for guardians (people.services.sign_in_link_user).
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    # Django's 20,000 common passwords and zxcvbn's 30,000 from public breaches (people.passwords).
    {"NAME": "people.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Sessions hold access to children's records: they are short and die with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# With a shared cache a request reads its session there, and the database only on a miss; each
# process's own memory is no place for one (a sign-out in one would live on in the others).
# The same goes for each account's signed-in state (people.signed_in), forgotten on every write.
SESSION_ENGINE = "sefton_safety.sessions" if CACHE_URL else "django.contrib.sessions.backends.db"
SIGNED_IN_STATE_CACHED = bool(CACHE_URL)
# Every write through the ORM forgets the entry at once; the lifetime only bounds a raw UPDATE's.
SIGNED_IN_STATE_SECONDS = env_int("SIGNED_IN_STATE_SECONDS", 300)
SESSION_COOKIE_SAMESITE = "Lax"

# Failed sign-ins lock the account name, and separately the address they come from, so that
# neither guessing one password nor trying one password on many accounts gets far.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# An emailed link names no account, so a bad one counts against its source address only
# (people.lockout), and account names are compared in lower case.
AXES_LOCKOUT_PARAMETERS = "people.lockout.lockout_parameters"
AXES_USERNAME_CALLABLE = "people.lockout.sign_in_username"
AXES_USERNAME_FORM_FIELD = "username"
# A success clears only its own account's failures (people.lockout.account_failures_reset): axes's
# reset would also clear the address's, undoing the lock on other accounts tried from it.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_VERBOSE = False

# Guardians sign in from single-use, time-limited links.
SESAME_MAX_AGE = timedelta(minutes=env_int("SIGN_IN_LINK_MINUTES", 30))
# PPL-4: a child's own number or email, once a guardian withdraws the consent that allowed it, is
# kept apart (usable by nothing, shown to nobody) this long, in case the consent is given again.
WITHDRAWN_CONTACT_GRACE = timedelta(days=env_int("WITHDRAWN_CONTACT_GRACE_DAYS", 7))
SESAME_ONE_TIME = True
# A link also dies when the account's address changes or a newer link is made (people.link_tokens).
SESAME_INVALIDATE_ON_EMAIL_CHANGE = True
SESAME_TOKENS = ["people.link_tokens"]
SESAME_TOKEN_NAME = "t"  # noqa: S105 (the query parameter's name, not a secret)

# Standing guarantee 5: how long each kind of record is kept, then purged or anonymised by the
# scheduler's nightly retention job. The README's "Retention" section gives the guidance behind
# each default. The database keeps its own copy (written by migrate, as the owner), and it alone
# decides which append-only rows may go, so the portal's role cannot shorten a period.
RETENTION = {
    # After an answer lapsed: the Limitation Act 1980's six years for a claim about it.
    "consents": env_int("RETENTION_CONSENT_YEARS", 6),
    # After a message was written: its deliveries are anonymised and their log removed.
    "messages": env_int("RETENTION_MESSAGE_YEARS", 2),
    # After a read of a case was logged (the case itself keeps longer).
    "read_logs": env_int("RETENTION_READ_LOG_YEARS", 6),
    # After a case closed, and never before each child it concerns is RETENTION_CASE_CHILD_AGE.
    "cases": env_int("RETENTION_CASE_YEARS", 10),
    "case_child_age": env_int("RETENTION_CASE_CHILD_AGE", 25),
}
# Sign-in records (failed and successful attempts, lockouts), in days; ended sessions go at once.
RETENTION_SIGN_IN_DAYS = env_int("RETENTION_SIGN_IN_DAYS", 180)
for _kind, _years in RETENTION.items():
    if _years < 1:
        raise ImproperlyConfigured(f"The retention period for {_kind} must be at least 1 year.")
if RETENTION["case_child_age"] < 18:
    raise ImproperlyConfigured("RETENTION_CASE_CHILD_AGE must be at least 18.")
if RETENTION_SIGN_IN_DAYS < 1:
    raise ImproperlyConfigured("RETENTION_SIGN_IN_DAYS must be at least 1.")


def _totp_issuer(device):
    # The name the authenticator app shows: the club's as the committee set it when the device is
    # added. Settings load before the models exist, so the accessor is found by its path then.
    return import_string("sefton_safety.club.club")().name


OTP_TOTP_ISSUER = _totp_issuer

# Guardian's anonymous-user row is not needed: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development WhiteNoise serves the static files from the apps and static/ as they are, with or
# without DEBUG: runserver serves them only under DEBUG, and the demo runs without it.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Evidence files of cases (INC-9): no URL serves this folder; the case's gate hands each file out.
EVIDENCE_ROOT = MEDIA_ROOT / "evidence"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: only the portal's own files run; inline scripts need the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of the portal uses: denied to it and to anything it could embed.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "browsing-topics",
]

if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # `__Host-` cookies are taken by browsers only over HTTPS, for this exact host and the whole
    # site: no sub-domain or plain-HTTP page can plant or overwrite the session or CSRF cookie.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # Behind one proxy every request comes from the proxy's address: the lockout must count
        # the client's address the proxy reports, or one person's typos would lock out everyone.
        AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
        AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
        # The concern form's per-address limit counts the same client address.
        PROXY_COUNT = AXES_IPWARE_PROXY_COUNT
        RATELIMIT_IP_META_KEY = "sefton_safety.addresses.client_address"

# Email: SMTP in production; printed to the console in development unless EMAIL_HOST is set.
# EMAIL_BACKEND may name another Django mail backend (for example the console one for a trial).
_email_host = env_str("EMAIL_HOST", "")
_email_backend = env_str(
    "EMAIL_BACKEND",
    "sefton_safety.mail.ReadableConsoleBackend"
    if DEVELOPMENT and not _email_host
    else "sefton_safety.mail.SMTPBackend",
)
MAILERS = {"default": {"BACKEND": _email_backend}}
if _email_backend in ("sefton_safety.mail.SMTPBackend", "django.core.mail.backends.smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
if _email_backend == "sefton_safety.mail.SMTPBackend":
    # RFC 5321 allows a server 10 minutes to answer the end of a message: a send cut short then
    # has an unknown outcome, never retried, so the wait is long enough for a slow server.
    MAILERS["default"]["OPTIONS"]["final_reply_timeout"] = env_int("EMAIL_FINAL_REPLY_TIMEOUT", 600)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{CLUB_NAME} <safety@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages to children: the club's office hours, in club time (MSG-3), and the text provider.
MESSAGING_OFFICE_HOURS = {
    "mon": env_str("OFFICE_HOURS_WEEKDAYS", "09:00-20:00"),
    "tue": env_str("OFFICE_HOURS_WEEKDAYS", "09:00-20:00"),
    "wed": env_str("OFFICE_HOURS_WEEKDAYS", "09:00-20:00"),
    "thu": env_str("OFFICE_HOURS_WEEKDAYS", "09:00-20:00"),
    "fri": env_str("OFFICE_HOURS_WEEKDAYS", "09:00-20:00"),
    "sat": env_str("OFFICE_HOURS_WEEKENDS", "09:00-18:00"),
    "sun": env_str("OFFICE_HOURS_WEEKENDS", "09:00-18:00"),
}
# In production texts go to the provider; the recording backend (development) sends nothing.
SMS_BACKEND = env_str("SMS_BACKEND", "messaging.sms.RecordingBackend" if DEVELOPMENT else "messaging.sms.TwilioBackend")
SMS_TWILIO_ACCOUNT_SID = env_str("SMS_TWILIO_ACCOUNT_SID", "")
SMS_TWILIO_AUTH_TOKEN = env_str("SMS_TWILIO_AUTH_TOKEN", "")
SMS_SENDER = env_str("SMS_SENDER", "SeftonPkCC")
# Inbound replies (MSG-8): the provider or mail service posts them with this shared secret.
INBOUND_SECRET = env_str("INBOUND_SECRET", "development-inbound-secret" if DEVELOPMENT else "")
# Who gets the accountability copy of a text to a child (MSG-2): lead_welfare_officer, deputies or
# guardians; and where a reply from an adult goes (MSG-8): to the author or the welfare_officers.
MESSAGING_TEXT_COPIES_TO = env_str("TEXT_COPIES_TO", "lead_welfare_officer")
MESSAGING_ADULT_REPLIES_TO = env_str("ADULT_REPLIES_TO", "author")
# Schools named in messages are refused (MSG-4); the children's own schools are added to these.
MESSAGING_SCHOOL_NAMES = env_list("MESSAGING_SCHOOL_NAMES", [])

# Celery: Redis when CELERY_BROKER_URL is set, otherwise a broker kept in files under var/.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
        # A worker whose every slot is busy polls again only after this pause: at kombu's default of
        # a second, each process takes at most about one task a second, and a batch crawls.
        "polling_interval": 0.1,
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "sefton")
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it has finished; a worker that dies mid-task leaves its work to
# be redelivered or, for deliveries, found by the scheduler's sweep.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The delivery sweep (MSG-9). A message or delivery whose task has not run after this long is queued
# again: longer than a task waits in a busy queue or a retry's pause (five minutes at most), so a
# task is rarely queued twice, and short enough that a queue lost with Redis is soon made good.
SWEEP_REQUEUE_AFTER = timedelta(seconds=env_int("SWEEP_REQUEUE_AFTER_SECONDS", 15 * 60))
# A delivery still 'sending' after this long was left by a worker that died, and goes to a person.
# No send outlives the task's hard time limit, so a shorter delay would take a live send for a dead one.
SWEEP_STUCK_AFTER = timedelta(seconds=env_int("SWEEP_STUCK_AFTER_SECONDS", 10 * 60))
if SWEEP_REQUEUE_AFTER.total_seconds() < 1:
    raise ImproperlyConfigured("SWEEP_REQUEUE_AFTER_SECONDS must be at least 1.")
if SWEEP_STUCK_AFTER.total_seconds() <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"SWEEP_STUCK_AFTER_SECONDS must be longer than a task's time limit ({CELERY_TASK_TIME_LIMIT} seconds)."
    )
CELERY_BEAT_SCHEDULE = {
    # CON-6: renewal reminders in the month before a season's consents lapse; each sent once.
    "consent-lapse-reminders": {"task": "consents.tasks.queue_lapse_reminders", "schedule": crontab(hour=9, minute=0)},
    # MSG-3, MSG-9: release held messages at the office-hours window and catch any lost task.
    "sweep-deliveries": {"task": "messaging.tasks.sweep_deliveries", "schedule": 60.0},
    # MSG-10: guardians hear before each match when they may contact their children during it.
    "fixture-notices": {"task": "messaging.tasks.queue_fixture_notices", "schedule": crontab(minute=5)},
    # INC-3: a report whose alert never reached the queue is alerted now.
    "incident-alerts": {"task": "incidents.tasks.sweep_unalerted_incidents", "schedule": 60.0},
    # ACC-2, ACC-3: custodians whose role ended stop holding accounts; their passwords fall due.
    # VOL-3, VOL-5: the policy's review date, training and DBS renewals, each reminded once.
    "compliance-reminders": {"task": "compliance.tasks.send_reminders", "schedule": crontab(hour=8, minute=0)},
    # PPL-4: a child's own number and email withdrawn longer ago than the grace are removed.
    "withdrawn-contact-purge": {"task": "people.tasks.purge_withdrawn_contact_details", "schedule": crontab(minute=20)},
    # Standing guarantee 5: records past their retention period are purged or anonymised.
    "retention-purge": {"task": "compliance.tasks.purge_past_retention", "schedule": crontab(hour=3, minute=15)},
    "lapsed-custodians": {
        "task": "accounts_registry.tasks.end_lapsed_custodians",
        "schedule": crontab(hour=6, minute=30),
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    # Query strings can carry a child's name or a sign-in token: logs keep the path only.
    "filters": {"drop_query_strings": {"()": "sefton_safety.logs.DropQueryStrings"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["drop_query_strings"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
