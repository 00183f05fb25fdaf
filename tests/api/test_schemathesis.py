"""Property-based tests of the JSON API from its own OpenAPI document (schemathesis, every check):
whatever the parameters and ids, never a 5xx, only documented statuses and content, and a
missing or wrong token is refused."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from equilibri.accounts.api_tokens import issue_token

from ..schemathesis_support import ALL_CHECKS, SETTINGS, keep_connection  # noqa: F401

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_api_conforms(case, user_of, keep_connection):  # noqa: F811
    headers = {}
    # A case that leaves the token out on purpose expects the 401 (so does `ignored_auth`,
    # which sends every case again without it).
    if not schema.is_security_param_negated(case):
        # The regional viewer sees every ATS: the widest scope, so ids of real objects answer 200.
        headers["Authorization"] = f"Bearer {issue_token(user_of('regione'))}"
    case.call_and_validate(checks=ALL_CHECKS, headers=headers)
