"""Starts the test OpenID Connect provider in its own process, on a free loopback port, once per
test session (pytest fixture `oidc_provider`), and configures Equilibri to use it."""

import os
import socket
import subprocess  # fixed argv of this venv's own gunicorn, never a shell
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    issuer: str
    state_dir: Path

    @property
    def port(self) -> int:
        return int(self.issuer.rsplit(":", 1)[1].split("/", 1)[0])

    def app(self, provider_id: str = "spid", *, issuer: str | None = None) -> dict:
        """The SOCIALACCOUNT_PROVIDERS app that settings._oidc_app builds from OIDC_* variables
        naming this provider."""
        issuer = issuer or self.issuer
        return {
            "provider_id": provider_id,
            "name": provider_id.upper(),
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {
                "server_url": issuer,
                "issuer": issuer,
                "oauth_pkce_enabled": True,
                "scope": ["openid", "profile", "email"],
                "auth_params": {},
                "token_auth_method": None,
                "private_key_file": "",
                "private_key_id": "",
            },
        }

    def providers_setting(self, *apps: dict) -> dict:
        return {
            "openid_connect": {
                "provider_class": "equilibri.accounts.oidc.GatewayProvider",
                "APPS": list(apps) or [self.app("spid"), self.app("cie")],
            }
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (state_dir / "signing.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DIR": str(state_dir),
        "OIDC_PROVIDER_ISSUER": issuer,
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.setup"], env=env, cwd=ROOT, check=True
    )
    argv = [str(Path(sys.executable).parent / "gunicorn"), "tests.oidc_provider.wsgi"]
    argv += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"]
    argv += ["--log-level", "warning"]
    process = subprocess.Popen(argv, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 90  # a loaded machine starts Django slowly
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the test OpenID Connect provider did not start") from None
                time.sleep(0.2)
        yield Provider(issuer=issuer, state_dir=state_dir)
    finally:
        process.terminate()
        process.wait(timeout=10)
