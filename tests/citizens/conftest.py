from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def _mail_at_once(request, monkeypatch):
    """Tests run inside a transaction that never commits: e-mails (sent on commit) go out at
    once instead. Transactional tests commit for real and keep the normal path."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from equilibri.core import mail

    at_once = SimpleNamespace(on_commit=lambda callback: callback())
    monkeypatch.setattr(mail, "transaction", at_once)
