"""Settings for Patto, read from the environment in one place.

With nothing set the portal runs in its embedded default: SQLite file, Celery tasks executed
eagerly, console email, DEBUG on. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to a
real Celery broker/result backend and a Redis cache. ``DJANGO_ENV=production`` turns on every
production safeguard and refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``.

Any variable can also be given as ``<NAME>_FILE`` (a path whose content is the value), for
container secrets.
"""

import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"


def required_in_production(name: str, dev_default, cast=str):
    """Read ``name``; in production a missing value stops the start-up with a clear message."""
    getter = {str: env.str, list: env.list}[cast]
    if PRODUCTION:
        try:
            value = getter(name)
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured(
                f"{name} must be set when DJANGO_ENV=production (or {name}_FILE)."
            ) from exc
        if not value:
            raise ImproperlyConfigured(f"{name} must not be empty when DJANGO_ENV=production.")
        return value
    return getter(name, default=dev_default)


SECRET_KEY = required_in_production(
    "SECRET_KEY", "django-insecure-development-only-key-never-used-in-production"
)
ALLOWED_HOSTS = required_in_production(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"], cast=list
)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on when DJANGO_ENV=production.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address: every link in an e-mail is built from it, never from the Host
# of the request that caused the e-mail (a Host header is the client's to choose).
SITE_URL = required_in_production("SITE_URL", "http://127.0.0.1:8000")

# Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # the search's trigram lookups (registered on any database)
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "simple_history",
    "bootstrap_italia_template",
    "patto",
    "zone",
    "matrice",
    "tavoli",
    "incontri",
    "patto.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # bodies above the view's limit, NUL characters, no-store for logged-in people
    "patto.core.guards.RequestGuardMiddleware",
    # cached public pages for visitors with no session: before everything that needs one
    "patto.cache.pages.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # idle and absolute session lifetimes (patto/accounts/session_expiry.py)
    "patto.accounts.session_expiry.SessionExpiryMiddleware",
    # after allauth and htmx: a second factor for the privileged roles (patto/accounts/)
    "patto.accounts.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "patto.urls"
WSGI_APPLICATION = "patto.wsgi.application"
ASGI_APPLICATION = "patto.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "patto.programme.context_processors.navigation",
                "patto.accounts.context_processors.user_roles",
                "patto.accounts.session_expiry.kept_text",
                "patto.accounts.session_expiry.session_timing",
                "patto.feedback.context_processors.page_rating",
                "patto.legal.context_processors.legal",
            ],
        },
    },
]

# Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if not PRODUCTION else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Optionally, the parameters travel apart from the query (server-side binding) rather than
    # quoted into it by psycopg, and a query the connection has run five times is prepared once
    # (psycopg's prepare_threshold): PostgreSQL parses and plans it no more. Measured with the
    # benchmark's cache misses at scale 10 (20 connections, 2 cores): 64 → 75 requests a second
    # one day, 48–50 → 44–47 another (alternate runs, fresh addresses): no gain to count on, so
    # off by default. (The browser journey that failed with it on failed for another cause: a
    # process of another release bumped a content generation nobody read, patto/cache/keys.py.)
    # Never on behind a pooler that cannot keep a prepared statement on its connection
    # (PgBouncer in transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DATABASE_SERVER_SIDE_BINDING", default=False
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A bigger busy timeout lets the dev server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The public pages a visitor can make the portal store (one per address and parameter value)
# go to a cache of their own: in production a Redis with a memory limit and LRU eviction
# (docker-compose.yml), apart from the broker, the sessions and the rate limits, which must
# never be evicted.
PAGE_CACHE_URL = env.str("PAGE_CACHE_URL", default=REDIS_URL)
if PRODUCTION and REDIS_URL and (not PAGE_CACHE_URL or PAGE_CACHE_URL == REDIS_URL):
    raise ImproperlyConfigured(
        "PAGE_CACHE_URL must name a Redis other than REDIS_URL when DJANGO_ENV=production "
        "(with maxmemory and maxmemory-policy allkeys-lru): see docker-compose.yml."
    )


def code_release(base: Path) -> str:
    """What names this release of the code that renders pages: ``RELEASE`` when the deployment
    gives one (an image tag), otherwise a digest of the name, size and modification time of
    every module, template and catalogue. The page cache's keys start with it, so the pages and
    the fragments of frozen versions (kept for good) that an earlier release rendered are never
    served after an upgrade, with no flush to remember. Reads no file's content: a few ms."""
    digest = hashlib.sha256()
    for folder in ("patto", "matrice", "tavoli", "incontri", "zone", "templates", "locale"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".mo"}:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns};".encode()
                )
    return digest.hexdigest()[:12]


RELEASE = env.str("RELEASE", default="") or code_release(BASE_DIR)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "patto.cache.backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "patto",
        },
        "pages": {
            "BACKEND": "patto.cache.backends.ResilientRedisCache",
            "LOCATION": PAGE_CACHE_URL,
            "KEY_PREFIX": f"patto-pages-{RELEASE}",
            # but the content generation's key: every release's (patto/cache/keys.py)
            "KEY_FUNCTION": "patto.cache.keys.page_key",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Reference data shipped with the project (a copy of ../shared/data kept in the repository).
REFERENCE_DATA_DIR = Path(env.str("REFERENCE_DATA_DIR", default=str(BASE_DIR / "data")))

# Background work --------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis the embedded default runs every task in the calling process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task's process that ends a task above this resident memory (kilobytes) is replaced by a
# fresh one (86 MB) before the next: a PDF or a large version's review leaves the process at
# 250–400 MB, and the next large PDF would start from there instead of from a clean process.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200_000)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that dies (SIGKILL, lost machine) goes back to the queue after
# this many seconds. It must exceed the longest task, countdown included, or a running task
# is delivered twice (harmless for the PDF, which is claimed in the database, but wasted).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TIMEZONE = "Europe/Rome"

# The PDF of a version (patto/pdf/): how a failed render is retried.
PDF_MAX_RETRIES = env.int("PDF_MAX_RETRIES", default=3)
# A render's claim expires this many seconds after the task's hard time limit: by then its
# worker is gone, and another may take the render over.
PDF_CLAIM_MARGIN = env.int("PDF_CLAIM_MARGIN", default=60)
PDF_RETRY_BACKOFF = env.int("PDF_RETRY_BACKOFF", default=5)
# The sweep (patto.pdf.tasks.resume_pdf_renders) that enqueues again renders whose message was lost:
# run by Celery beat every PDF_SWEEP_INTERVAL seconds for renders pending for longer than
# PDF_SWEEP_GRACE seconds, and by every worker when it starts.
PDF_SWEEP_INTERVAL = env.int("PDF_SWEEP_INTERVAL", default=60)
PDF_SWEEP_GRACE = env.int("PDF_SWEEP_GRACE", default=60)
# Staff preview a draft's PDF while they wait (rendered in the web request, never stored): a
# draft with more actions than this is refused with a message. Measured on the busy 2-core
# machine: 34 actions, 24 pages in 8 s; 150 actions, 40 pages in 18 s.
PDF_PREVIEW_MAX_ACTIONS = env.int("PDF_PREVIEW_MAX_ACTIONS", default=100)
# The outbox of e-mails (patto/mail/outbox.py): Celery beat publishes again, every
# MAIL_SWEEP_INTERVAL seconds, the e-mails owed for longer than MAIL_SWEEP_GRACE seconds, each
# at most MAIL_MAX_ATTEMPTS times (then the admin shows it with its error).
MAIL_SWEEP_INTERVAL = env.int("MAIL_SWEEP_INTERVAL", default=60)
MAIL_SWEEP_GRACE = env.int("MAIL_SWEEP_GRACE", default=120)
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=20)
# Sent e-mails (and done jobs) are forgotten this many days after they left, by the sweep.
MAIL_KEEP_DAYS = env.int("MAIL_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    "resume-pdf-renders": {
        "task": "patto.resume_pdf_renders",
        "schedule": float(PDF_SWEEP_INTERVAL),
        "options": {"expires": float(PDF_SWEEP_INTERVAL)},
    },
    "resume-mail": {
        "task": "patto.mail.resume_mail",
        "schedule": float(MAIL_SWEEP_INTERVAL),
        "options": {"expires": float(MAIL_SWEEP_INTERVAL)},
    },
    # the followers' weekly digest of the monitoring updates (patto.monitoring.digest); a week
    # whose run is missed is covered by the next digest
    "monitoring-weekly-digest": {
        "task": "patto.monitoring.weekly_digest",
        "schedule": crontab(minute=5, hour=7, day_of_week=1),
        "options": {"expires": 6 * 24 * 3600.0},
    },
    "resume-monitoring-reports": {
        "task": "patto.monitoring.resume_reports",
        "schedule": float(PDF_SWEEP_INTERVAL),
        "options": {"expires": float(PDF_SWEEP_INTERVAL)},
    },
}

# Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "patto.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "patto.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"  # a URL name: the home page in the language of the page
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per person; changing it keeps the old one until the new one is confirmed.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Patto] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Bootstrap Italia widgets everywhere, and the sign-up asks for name, body and category too.
# Account e-mails go through the outbox, with links built from SITE_URL.
ACCOUNT_ADAPTER = "patto.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "patto.accounts.forms.LoginForm",
    "signup": "patto.accounts.forms.SignupForm",
    "add_email": "patto.accounts.forms.AddEmailForm",
    "change_password": "patto.accounts.forms.ChangePasswordForm",
    "set_password": "patto.accounts.forms.SetPasswordForm",
    "reset_password": "patto.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "patto.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "patto.accounts.forms.ReauthenticateForm",
}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    # the password asked before deleting an account (patto.accounts.views.DeleteAccountView)
    "delete_account": "5/5m/user,10/m/ip",
    # the page-rating widget (patto.feedback), answered by anonymous visitors
    "page_rating": "20/h/ip",
}
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the
# login however active; shorter for the redazione, the spokespersons and the administrators
# (patto.accounts.session_expiry). The cookie itself never outlives the longest of them.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_IDLE_MINUTES_PRIVILEGED = env.int("SESSION_IDLE_MINUTES_PRIVILEGED", default=30)
SESSION_MAX_HOURS_PRIVILEGED = env.int("SESSION_MAX_HOURS_PRIVILEGED", default=8)
SESSION_COOKIE_AGE = max(SESSION_MAX_HOURS, SESSION_MAX_HOURS_PRIVILEGED) * 3600
# The rate limits count per client address: behind N reverse proxies that append to
# X-Forwarded-For, set TRUSTED_PROXY_COUNT=N, or every client shares the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# SPID and CIE (SAML 2) --------------------------------------------------------------------

# Off by default: the portal then runs with e-mail and password only, with no configuration.
# On (SPID_ENABLED=true), a citizen logs in with SPID or with the CIE's SAML service
# (patto/accounts/spid/); production then refuses to start without the values below.
SPID_ENABLED = env.bool("SPID_ENABLED", default=False)


def _spid_setting(name: str, dev_default, cast=str):
    """Like ``required_in_production``, but only when SPID is on."""
    if SPID_ENABLED:
        return required_in_production(name, dev_default, cast)
    getter = {str: env.str, list: env.list}[cast]
    return getter(name, default=dev_default)


# The service provider's entityID (its public address, registered with AgID), the public
# administration's code in IndicePA, and who AgID and the identity providers write to.
SPID_ENTITY_ID = _spid_setting("SPID_ENTITY_ID", SITE_URL.rstrip("/") + "/spid/metadata/")
SPID_IPA_CODE = _spid_setting("SPID_IPA_CODE", "c_l219")
SPID_ORGANIZATION_NAME = _spid_setting("SPID_ORGANIZATION_NAME", "Patto (sviluppo)")
SPID_ORGANIZATION_URL = _spid_setting("SPID_ORGANIZATION_URL", SITE_URL)
SPID_CONTACT_EMAIL = _spid_setting("SPID_CONTACT_EMAIL", "spid@patto.example.org")
SPID_CONTACT_PHONE = env.str("SPID_CONTACT_PHONE", default="+390110000000")
SPID_LOCALITY = env.str("SPID_LOCALITY", default="Torino")
# The CIE's metadata names the administration's municipality by its ISTAT code.
CIE_MUNICIPALITY = env.str("CIE_MUNICIPALITY", default="001272")
# The SP's key and certificate (``manage.py spid_keys`` makes them, AgID's profile for
# public service providers), kept out of the repository.
SPID_KEY_FILE = Path(env.str("SPID_KEY_FILE", default=str(BASE_DIR / "var" / "spid" / "key.pem")))
SPID_CERT_FILE = Path(
    env.str("SPID_CERT_FILE", default=str(BASE_DIR / "var" / "spid" / "cert.pem"))
)
# The identity providers: SAML metadata (an aggregate, as AgID's registry publishes it, or
# one file per IdP), each a file path or an https URL; the Celery task
# ``patto.accounts.spid.refresh_idps`` copies them every SPID_IDP_REFRESH_HOURS into
# SPID_IDP_CACHE_DIR, which the login reads.
SPID_IDP_METADATA = _spid_setting(
    "SPID_IDP_METADATA",
    ["https://registry.spid.gov.it/metadata/idp/spid-entities-idps.xml"],
    cast=list,
)
SPID_IDP_CACHE_DIR = Path(
    env.str("SPID_IDP_CACHE_DIR", default=str(BASE_DIR / "var" / "spid" / "idps"))
)
SPID_IDP_REFRESH_HOURS = env.int("SPID_IDP_REFRESH_HOURS", default=24)
# The level asked of the identity provider (SpidL2: password and a second factor).
SPID_LEVEL = env.int("SPID_LEVEL", default=2)
# A SAML answer older than this (seconds) is refused.
SPID_ACCEPTED_TIME_DIFF = env.int("SPID_ACCEPTED_TIME_DIFF", default=60)
# AgID asks that citizens log in with SPID or CIE only in production: with False the e-mail and
# password login stays for the staff, the spokespersons and the administrators.
PASSWORD_LOGIN_FOR_CITIZENS = env.bool("PASSWORD_LOGIN_FOR_CITIZENS", default=True)
if not PASSWORD_LOGIN_FOR_CITIZENS and not SPID_ENABLED:
    raise ImproperlyConfigured(
        "PASSWORD_LOGIN_FOR_CITIZENS=false needs SPID_ENABLED=true: citizens could not log in."
    )
if SPID_ENABLED:
    CELERY_BEAT_SCHEDULE["refresh-spid-idps"] = {
        "task": "patto.accounts.spid.refresh_idps",
        "schedule": float(SPID_IDP_REFRESH_HOURS * 3600),
        "options": {"expires": float(SPID_IDP_REFRESH_HOURS * 3600)},
    }
# End of SPID and CIE ----------------------------------------------------------------------

# Second factor ----------------------------------------------------------------------------

# allauth.mfa: an authenticator app (TOTP) with recovery codes, or a security key (WebAuthn;
# browsers offer it on https, and in development on http://localhost, not on 127.0.0.1).
# Anyone may add one; with MFA_REQUIRED_FOR_PRIVILEGED the redazione, the zones' spokespersons
# and whoever may enter the Django admin must, before any other page (patto/accounts/).
MFA_REQUIRED_FOR_PRIVILEGED = env.bool("MFA_REQUIRED_FOR_PRIVILEGED", default=PRODUCTION)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Patto"
# A code is taken for 30 s either side of its own period: a phone's clock a little off, or
# a code typed as it changes, still works (each code works once: allauth remembers it).
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "patto.accounts.second_factor.MFAAdapter"
MFA_FORMS = {
    "authenticate": "patto.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "patto.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "patto.accounts.forms.ActivateTOTPForm",
    "add_webauthn": "patto.accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "patto.accounts.forms.EditWebAuthnForm",
}
# End of second factor ---------------------------------------------------------------------

# Email ------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if PRODUCTION and EMAIL_CONFIG["EMAIL_BACKEND"] in {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}:
    raise ImproperlyConfigured(
        "EMAIL_URL must name a mail server when DJANGO_ENV=production "
        "(e.g. smtp+tls://user:password@smtp.example.org:587): the console backend would "
        "drop every e-mail."
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Patto <noreply@patto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the accessibility statement tells people to report a problem (AgID's feedback mechanism).
ACCESSIBILITY_FEEDBACK_EMAIL = env.str(
    "ACCESSIBILITY_FEEDBACK_EMAIL", default="accessibilita@patto.localhost"
)
# Who runs the portal, named by the privacy notice (GDPR art. 13), the legal notes and the
# contacts page (``patto.legal``): production refuses to start without them.
PORTAL_OWNER = required_in_production(
    "PORTAL_OWNER", "ente dimostrativo (nel portale in servizio, il nome dell'ente)"
)
PRIVACY_CONTROLLER_CONTACT = required_in_production(
    "PRIVACY_CONTROLLER_CONTACT", "privacy@patto.localhost"
)
PRIVACY_DPO_CONTACT = required_in_production("PRIVACY_DPO_CONTACT", "rpd@patto.localhost")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="info@patto.localhost")
# The code in the Indice dei domicili digitali della PA (IPA, indicepa.gov.it) of PORTAL_OWNER:
# the publisher of the DCAT-AP_IT catalogue of the open data (/dati-aperti/catalogo.ttl), which
# dati.gov.it harvests. Without it production publishes no catalogue (DCAT-AP_IT requires the
# publisher's code); development uses a placeholder no administration has.
IPA_CODE = env.str("IPA_CODE", default="" if PRODUCTION else "ipa-sviluppo-non-valido")
# The accessibility statement published on AgID's form.agid.gov.it (the footer's link the
# checker of AgID's guidelines reads); until there is one, the footer links /accessibilita/.
AGID_ACCESSIBILITY_STATEMENT_URL = env.str("AGID_ACCESSIBILITY_STATEMENT_URL", default="")
if AGID_ACCESSIBILITY_STATEMENT_URL and not AGID_ACCESSIBILITY_STATEMENT_URL.startswith(
    "https://form.agid.gov.it/view/"
):
    raise ImproperlyConfigured(
        "AGID_ACCESSIBILITY_STATEMENT_URL must be the statement's address on AgID's site "
        "(https://form.agid.gov.it/view/...)."
    )
# The largest request body a view accepts, in kilobytes, unless it takes a file (then the
# upload limit below, plus 256 kB for the other fields): a bigger one is answered 413 unread.
REQUEST_MAX_BODY_KB = env.int("REQUEST_MAX_BODY_KB", default=1024)
# Largest minutes PDF (verbale) staff may upload for a meeting, in megabytes.
MINUTES_MAX_UPLOAD_MB = env.int("MINUTES_MAX_UPLOAD_MB", default=10)
# How much the streams of an uploaded minutes PDF may decode to, in megabytes, all together (a
# 1 MB file can inflate to gigabytes): a PDF above it is refused (incontri/services.py).
MINUTES_MAX_INFLATED_MB = env.int("MINUTES_MAX_INFLATED_MB", default=200)
# Largest spreadsheet (ODS or XLSX) staff may import into a draft, in megabytes.
SPREADSHEET_MAX_UPLOAD_MB = env.int("SPREADSHEET_MAX_UPLOAD_MB", default=5)

# Languages --------------------------------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security ---------------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
# Only the portal's own files: no inline script, style element or style attribute anywhere
# (tests/e2e/test_csp.py crawls the site, the staff and spokesperson areas, the account pages
# and the admin in Chromium and fails on any violation). Bootstrap Italia's CSS embeds an icon
# font and images as data: URIs (data: fonts and images cannot run code); its JavaScript sets
# styles through the CSSOM, which the policy allows, and its bundled video.js is told not to add
# <style> elements (static/js/bundle-settings.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A refused form is explained in the portal's layout and language (patto/core/guards.py).
CSRF_FAILURE_VIEW = "patto.core.guards.csrf_failure"
# No script reads the CSRF cookie: forms and htmx requests carry the token from the page.
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # X-Forwarded-Proto is the client's to set unless a proxy of ours overwrites it: trusted
    # only when the deployment says how many proxies stand in front (TRUSTED_PROXY_COUNT).
    if ALLAUTH_TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every step of a render at INFO
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf announces its logger bridge at INFO on import
        "pikepdf": {"level": "WARNING"},
        # pysaml2's schemas, loaded at start-up, announce each resource at INFO
        "xmlschema": {"level": "WARNING"},
    },
}
