from oauth2_provider.oauth2_validators import OAuth2Validator

from . import PERSONAS


class GatewayValidator(OAuth2Validator):
    """Puts the persona's SPID attributes in the ID token and the userinfo, as a SPID/CIE
    gateway does (whatever the scopes: the gateway decides what the relying party gets)."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(PERSONAS.get(request.user.get_username(), {}))
