"""Prepares the test provider's database: its people (PERSONAS) and the relying party, Equilibri
(confidential client, authorization code, no consent page, redirects to any loopback port and
to the Django test client's host). Run once per test session by server.py."""

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from . import CLIENT_ID, CLIENT_SECRET, PASSWORD, PERSONAS  # noqa: E402

call_command("migrate", verbosity=0)
for username in PERSONAS:
    User.objects.create_user(username, password=PASSWORD)
Application.objects.create(
    name="Equilibri",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
    redirect_uris=" ".join(
        f"{host}/{prefix}account/oidc/{provider}/login/callback/"
        for host in ("http://127.0.0.1", "http://localhost", "http://testserver")
        for prefix in ("", "en/")
        for provider in ("spid", "cie")
    ),
)
