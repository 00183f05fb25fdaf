"""Settings of the app servers the topology test starts: production's, with two changes that
only save time and do not touch what the test proves (state shared through PostgreSQL and Redis).
"""

from equilibri.settings import *  # noqa: F403

# Static files through the finders: no collectstatic (and no manifest) for a throwaway instance.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: the demo accounts are created once per run.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
