"""Equilibri settings: one module, configured from the environment (see README, "Configuration").

Defaults give a working local instance on SQLite under var/; production sets DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS and HTTPS=1.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
# DEMO=1 prints demo credentials and shows the demo banner; never set it in production.
DEMO = env_bool("DEMO", False)
HTTPS = env_bool("HTTPS", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "Equilibri")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Project apps first, so their templates override the libraries' ones.
    "equilibri.core",
    "equilibri.territory",
    "equilibri.accounts",
    "equilibri.network",
    "equilibri.plans",
    "equilibri.catalogue",
    "equilibri.vouchers",
    "equilibri.calls",
    "equilibri.desks",
    "equilibri.surveys",
    "equilibri.citizens",
    "equilibri.reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # SPID and CIE through an OpenID Connect gateway (accounts/oidc.py); off unless configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "csp",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "equilibri.core.middleware.RequestLogMiddleware",
    # Before sessions and the rest: a cached anonymous catalogue answer skips them all.
    "equilibri.catalogue.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # `private, no-store` on answers to signed-in users (its response side runs after the views
    # and the other middleware below; anonymous cached pages never reach it).
    "equilibri.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An empty 405 (GET on a form's address) becomes a page in the site's layout.
    "equilibri.core.middleware.MethodNotAllowedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "equilibri.urls"
WSGI_APPLICATION = "equilibri.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "equilibri.core.context_processors.platform",
                "equilibri.accounts.context_processors.reserved_nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions, busy timeout, persistent connections): without
# these, concurrent writers of a multi-process server get "database is locked". PostgreSQL via
# DATABASE_URL; psycopg's client-side binding is kept (server-side binding makes generic plans,
# much slower for full-text queries).
SQLITE_PATH = VAR_DIR / "equilibri.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA temp_store=MEMORY;"
            "PRAGMA mmap_size=2147418112;"
            "PRAGMA cache_size=-32000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a statement whose estimated cost is high, and the search's
    # statements at a large catalogue are (counts and ranks over many matches): at 1,000,000
    # services the compilation took 0.55 s of a 4.5 s search, and the median search went from
    # 0.90 to 0.63 s without it (docs/performance.md, note 8). Nothing here runs long enough to
    # repay it. A URL's own `options` are kept after it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, ["-c jit=off", _options.get("options")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Counters that are limits only when every worker sees the same count (rate limits,
    # allauth's second-factor limit and its record of used TOTP codes): in files under var/
    # shared by the workers of one machine, with add and incr under a lock (core/cache.py);
    # in Redis when CACHE_URL is set, which several machines need to share them.
    "default": {
        "BACKEND": "equilibri.core.cache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache"),
    },
    # Reference data read on every search (taxonomy terms, comune and CAP look-ups), kept in
    # each process's memory for minutes: a file read or a Redis round trip would cost more
    # than the look-up it saves.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    # The catalogue's public answers (search page, HSDS API; services/pagecache.py), in files
    # under var/ shared by the workers of one machine, on either database; in Redis when
    # CACHE_URL is set. Not in the database: its key holds the catalogue version, read from the
    # database on every request, so a machine's own files are never stale, while a database
    # cache cost every new search a count of its table, a read and a write on the one server
    # that all app servers share (docs/performance.md).
    "pages": {
        "BACKEND": "equilibri.catalogue.pagecache.FileCache",
        "LOCATION": str(VAR_DIR / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
    },
}
if env_str("CACHE_URL"):
    for _alias in ("default", "pages"):
        CACHES[_alias] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_URL"),
            "KEY_PREFIX": _alias,
        }
# How long (seconds) an anonymous catalogue answer may be served from the page cache at most;
# 0 turns the cache off. Any catalogue change invalidates it at once (CatalogueVersion).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "equilibri.accounts.adapters.AccountAdapter"
# The second factor: at most this many wrong codes (TOTP or recovery) per account, from any
# address, within the cool-off; then every code is refused, the right one too, until the oldest
# failure is that old, and the person is e-mailed. allauth.mfa counts them under `login_failed`
# (per account only, below); axes' reset and a right code lift it (accounts/second_factor.py).
SECOND_FACTOR_FAILURE_LIMIT = env_int("MFA_FAILURE_LIMIT", 5)
SECOND_FACTOR_COOLOFF = timedelta(minutes=env_int("MFA_COOLOFF_MINUTES", 30))
# Failed passwords are limited by django-axes (lockout page, admin reset), not twice. Sign-up and
# password resets keep allauth's own limits (in the default cache, like ours), written out here
# so the README's table is their source: "<count>/<period>/<ip|key>", the key being the e-mail.
# confirm_email: one verification (or "you already have an account") e-mail per address per
# 3 minutes, which is also sign-up's limit per e-mail.
ACCOUNT_RATE_LIMITS = {
    # allauth.mfa's second factor only: the account adapter skips it for passwords (axes).
    "login_failed": (
        f"{SECOND_FACTOR_FAILURE_LIMIT}/{int(SECOND_FACTOR_COOLOFF.total_seconds())}s/key"
    ),
    "signup": env_str("RATE_LIMIT_SIGNUP", "20/h/ip"),
    "reset_password": env_str("RATE_LIMIT_RESET_PASSWORD", "20/h/ip,5/h/key"),
    "reset_password_from_key": env_str("RATE_LIMIT_RESET_PASSWORD_FROM_KEY", "20/h/ip"),
    "confirm_email": env_str("RATE_LIMIT_CONFIRM_EMAIL", "1/3m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- SPID and CIE (and eIDAS) through an OpenID Connect gateway ------------------------------
# Equilibri is a relying party of the gateway the body runs (e.g. Developers Italia's
# iam-proxy-italia, or a regional identity provider): authorization code with PKCE and a nonce,
# allauth's openid_connect provider (accounts/oidc.py adds the nonce, the issuer check and
# private_key_jwt). One set of variables per provider, OIDC_SPID_* and OIDC_CIE_*; a provider
# without its ISSUER is off (no button, its addresses 404). README, "Configuration".


def _oidc_app(provider_id: str, name: str) -> dict | None:
    prefix = f"OIDC_{provider_id.upper()}_"
    issuer = env_str(prefix + "ISSUER").rstrip("/")
    if not issuer:
        return None
    client_id = env_str(prefix + "CLIENT_ID")
    secret = env_str(prefix + "CLIENT_SECRET")
    key_file = env_str(prefix + "PRIVATE_KEY_FILE")
    if not client_id or not (secret or key_file):
        raise ValueError(
            f"{prefix}ISSUER is set: {prefix}CLIENT_ID and either {prefix}CLIENT_SECRET or "
            f"{prefix}PRIVATE_KEY_FILE (private_key_jwt) are needed too"
        )
    acr_values = env_str(prefix + "ACR_VALUES")
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer,
            "issuer": issuer,
            "oauth_pkce_enabled": True,
            "scope": env_list(prefix + "SCOPE", ["openid", "profile", "email"]),
            "auth_params": {"acr_values": acr_values} if acr_values else {},
            # private_key_jwt when a key is given, else the secret as the gateway prefers it.
            "token_auth_method": "private_key_jwt" if key_file else None,
            "private_key_file": key_file,
            "private_key_id": env_str(prefix + "PRIVATE_KEY_ID"),
        },
    }


_OIDC_APPS = [app for app in (_oidc_app("spid", "SPID"), _oidc_app("cie", "CIE")) if app]
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "equilibri.accounts.oidc.GatewayProvider",
        "APPS": _OIDC_APPS,
    }
}
# The SPID/CIE buttons post to Equilibri's login, which redirects to the gateway's authorization
# endpoint: browsers hold that redirect to the login page's CSP form-action. The issuers' origins,
# plus OIDC_FORM_ACTION_EXTRA where a gateway authorizes on another host than its issuer's.
_OIDC_FORM_ACTION = sorted(
    {"{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["issuer"])) for app in _OIDC_APPS}
    | set(env_list("OIDC_FORM_ACTION_EXTRA", []))
)
SOCIALACCOUNT_ADAPTER = "equilibri.accounts.identity_adapter.IdentityAdapter"
# Tokens are used once, to read the identity, and never kept.
SOCIALACCOUNT_STORE_TOKENS = False
# An account is found by its verified fiscal number (accounts/identity_adapter.py), never by an
# e-mail address the gateway reports.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)

# django-axes: lock a login (per account and address) after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "equilibri.accounts.axes.username_from_request"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Axes' database handler whose reset also lifts the second factor's lock (accounts/axes.py).
AXES_HANDLER = "equilibri.accounts.axes.AxesHandler"
# Where the client's address is read (request.META keys, first present wins). Behind a reverse
# proxy that overwrites X-Forwarded-For with the address it sees: HTTP_X_FORWARDED_FOR,REMOTE_ADDR,
# with the app servers reachable through the proxy alone (docs/deployment.md). Axes reads this
# through django-ipware (a dependency for that reason), and the rate limits take axes' address.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])

# Rate limits of the anonymous writes (equilibri/core/ratelimit.py), counted in the default cache
# (shared by every app server with CACHE_URL): "<count>/<period>/<ip|email>", comma-separated,
# period s, m, h or d, optionally with a multiple ("4/15m/email"). The client address is the one
# axes takes (the line above), for allauth's limits too (accounts/adapters.py): behind a reverse
# proxy change it, or every client counts as the proxy.
RATE_LIMITS = {
    # Booking a help desk slot (with or without an account).
    "desk_booking": env_str("RATE_LIMIT_DESK_BOOKING", "10/h/ip,4/h/email"),
    # Confirming, cancelling or rescheduling through the signed e-mail links.
    "desk_link": env_str("RATE_LIMIT_DESK_LINK", "30/h/ip,10/h/email"),
    # "Report a mistake" on a service page.
    "mistake_report": env_str("RATE_LIMIT_MISTAKE_REPORT", "10/h/ip,5/h/email"),
    # Answering a needs survey without an account: each section saved, the start and the send.
    "survey_answer": env_str("RATE_LIMIT_SURVEY_ANSWER", "120/h/ip"),
    # Accessibility reports and messages to an ATS (citizens app), signed in or not.
    "citizen_message": env_str("RATE_LIMIT_CITIZEN_MESSAGE", "10/h/ip,5/h/email"),
    # "Valuta la tua esperienza".
    "citizen_rating": env_str("RATE_LIMIT_CITIZEN_RATING", "30/h/ip"),
}

# --- Audit ----------------------------------------------------------------------------------
# Every model is audited (actor and address from the middleware) except bookkeeping tables.
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "admin",
    "auditlog",
    "axes",
    "contenttypes",
    "sessions",
    "django_tasks_database",
    "core.jobrun",
    "account.emailconfirmation",
    "services.catalogueversion",
    # Survey responses are anonymous: the audit log would keep the client address beside them.
    "surveys.response",
    "surveys.answer",
    "surveys.responsetoken",
    # Never written (SOCIALACCOUNT_STORE_TOKENS = False); a token would not belong in the log.
    "socialaccount.socialtoken",
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("password", "last_login")
AUDITLOG_MASK_TRACKING_FIELDS = ("data", "secret", "token", "key")
AUDITLOG_STORE_JSON_CHANGES = True
# Raw saves are fixture and backup loads, not a person's change (and auditing them while the
# content types are being restored fails).
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates in English too (equilibri/core/formats/en): the platform's readers are in Italy.
FORMAT_MODULE_PATH = ["equilibri.core.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "equilibri_language"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "var" / "static"))
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Requests, security -----------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CSRF_FAILURE_VIEW = "equilibri.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# No inline scripts or styles anywhere: everything is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env_list("CSP_IMG_EXTRA", [])],
        "font-src": ["'self'", "data:"],  # Bootstrap Italia's CSS embeds one data: font
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_OIDC_FORM_ACTION],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- E-mail -----------------------------------------------------------------------------------
# EMAIL_URL: "console:", "file:///path", or "smtp://user:pass@host:port?tls=1"; default: files
# under var/mail, so nothing leaves the machine unless configured.
EMAIL_URL = env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Equilibri <noreply@equilibri.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _email_settings(url: str) -> dict[str, object]:
    from urllib.parse import parse_qs, unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        }
    raise ValueError(f"EMAIL_URL scheme {parsed.scheme!r} is not one of console, file, smtp, smtps")


globals().update(_email_settings(EMAIL_URL))

# --- Background tasks -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The backend of the e-mail task (core/mail.py): the queue db_worker runs; tests send at once.
MAIL_TASK_BACKEND = "default"

# --- Logging: one JSON object per line on stderr -----------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Platform ---------------------------------------------------------------------------------
# Where desks and services are searched around a comune, at most this far (km).
MAX_SEARCH_RADIUS_KM = env_int("MAX_SEARCH_RADIUS_KM", 100)
# Lifetime of the signed API tokens (see accounts/api_tokens.py).
API_TOKEN_MAX_AGE = timedelta(days=env_int("API_TOKEN_MAX_AGE_DAYS", 365))

# Service catalogue: map tiles for the search and service pages (empty: no tiles, the list and
# the markers still work); services not confirmed by their provider for this many months are
# flagged as stale, then hidden after the grace period.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
SERVICE_REVIEW_MONTHS = env_int("SERVICE_REVIEW_MONTHS", 6)
SERVICE_STALE_GRACE_DAYS = env_int("SERVICE_STALE_GRACE_DAYS", 30)
# HSDS imports larger than this are refused before they are read.
HSDS_IMPORT_MAX_BYTES = env_int("HSDS_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# What an HSDS file may hold, counted on the bytes actually read (services/hsds/reading.py):
# bytes out of a zip (all members), zip members, compression ratio (of each member and of the
# whole zip), JSON nesting, characters of a JSON number, JSON objects and arrays or CSV rows.
HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024**2)
HSDS_IMPORT_MAX_MEMBERS = env_int("HSDS_IMPORT_MAX_MEMBERS", 100)
HSDS_IMPORT_MAX_RATIO = env_int("HSDS_IMPORT_MAX_RATIO", 100)
HSDS_IMPORT_MAX_DEPTH = env_int("HSDS_IMPORT_MAX_DEPTH", 32)
HSDS_IMPORT_MAX_NUMBER_LENGTH = env_int("HSDS_IMPORT_MAX_NUMBER_LENGTH", 100)
HSDS_IMPORT_MAX_OBJECTS = env_int("HSDS_IMPORT_MAX_OBJECTS", 2_000_000)
# The task worker runs each HSDS import in a child process whose memory may grow this many MB
# past the worker's own (services/hsds/jobs.py); 0: in the worker itself, without a ceiling.
HSDS_IMPORT_MEMORY_MB = env_int("HSDS_IMPORT_MEMORY_MB", 4096)
# ... and is stopped after this many seconds (nothing written: its transaction never commits).
HSDS_IMPORT_TIMEOUT_SECONDS = env_int("HSDS_IMPORT_TIMEOUT_SECONDS", 1800)
# Help desks: contact log entries are anonymised after this many months.
DESK_CONTACT_RETENTION_MONTHS = env_int("DESK_CONTACT_RETENTION_MONTHS", 24)
# Help desks: slots are generated this many weeks ahead; a booking made without an account holds
# its seat this many hours, waiting for the e-mailed confirmation link.
DESK_BOOKING_WEEKS = env_int("DESK_BOOKING_WEEKS", 4)
DESK_BOOKING_CONFIRM_HOURS = env_int("DESK_BOOKING_CONFIRM_HOURS", 2)
# Bookings without an account waiting for confirmation, at most per e-mail and per client address
# (all desks); and how long after such a booking lapsed unconfirmed the same e-mail or address
# cannot hold a seat at that desk again (signing in books at once and is not affected).
DESK_PENDING_PER_EMAIL = env_int("DESK_PENDING_PER_EMAIL", 2)
DESK_PENDING_PER_IP = env_int("DESK_PENDING_PER_IP", 5)
DESK_HOLD_COOLDOWN_HOURS = env_int("DESK_HOLD_COOLDOWN_HOURS", 24)
# Vouchers: largest receipt accepted; applications are anonymised this many years after their
# scheme closes.
VOUCHER_RECEIPT_MAX_BYTES = env_int("VOUCHER_RECEIPT_MAX_BYTES", 5 * 1024 * 1024)
VOUCHER_RETENTION_YEARS = env_int("VOUCHER_RETENTION_YEARS", 10)
