"""What an OpenID Connect identity gateway (SPID, CIE, eIDAS) says about a person, as Equilibri
keeps it: pure functions from the claims to an `Identity`, no database.

SPID and CIE gateways (Developers Italia's iam-proxy-italia, regional identity providers) give
the fiscal number as SPID's `fiscalNumber` attribute, `TINIT-<codice fiscale>`; the names and
the date of birth come as the OpenID standard claims (given_name, family_name, birthdate) or as
SPID's attribute names (name, familyName, dateOfBirth), depending on the gateway's mapping.
The level of assurance is the `acr`: SPID's https://www.spid.gov.it/SpidL1…L3 (CIE's OpenID
Connect federation uses the same values) or eIDAS' low/substantial/high.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from equilibri.core import identifiers

# The providers Equilibri knows, by the provider_id of their settings (settings._oidc_app).
PROVIDER_LABELS = {"spid": "SPID", "cie": "CIE"}

# The fiscal number's country prefix (SPID "TIN" + ISO 3166 country): only Italian codici
# fiscali name an Equilibri account.
TIN_PREFIX = re.compile(r"^TIN([A-Z]{2})[-:]?")
ACR_SPID = re.compile(r"spidl([123])$")
ACR_EIDAS = {"low": 1, "substantial": 2, "high": 3}


class ClaimError(Exception):
    """The claims cannot name a person: `code` says why (IdentityLogin.reason)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Identity:
    provider: str
    fiscal_number: str
    first_name: str
    last_name: str
    email: str
    birth_date: datetime.date | None
    level: int | None


def fiscal_number_from_claim(value: object) -> str:
    """`TINIT-RSSMRA80A01F205X` (or a bare codice fiscale) → `RSSMRA80A01F205X`, checked with
    its control character; anything else raises ClaimError."""
    if not value or not isinstance(value, str):
        raise ClaimError(
            "missing_fiscal_number",
            str(
                _(
                    "Il gestore dell'identità non ha comunicato il codice fiscale: senza non "
                    "possiamo riconoscerti. Riprova consentendo la condivisione del codice "
                    "fiscale, oppure entra con e-mail e password."
                )
            ),
        )
    code = identifiers.normalise_tax_code(value)
    match = TIN_PREFIX.match(code)
    if match:
        if match.group(1) != "IT":
            raise ClaimError(
                "foreign_fiscal_number",
                str(
                    _(
                        "L'identità ricevuta non ha un codice fiscale italiano: per ora "
                        "Equilibri riconosce con SPID e CIE solo chi ne ha uno. Entra con "
                        "e-mail e password."
                    )
                ),
            )
        code = code[match.end() :]
    if not identifiers.is_person_fiscal_code(code):
        raise ClaimError(
            "invalid_fiscal_number",
            str(
                _(
                    "Il codice fiscale comunicato dal gestore dell'identità non è valido: "
                    "nessun accesso è stato fatto. Segnalalo all'assistenza."
                )
            ),
        )
    return code


def level_from_acr(acr: object) -> int | None:
    """The level of assurance, 1 to 3, or None when the gateway does not say it in a form we
    know (kept as unknown rather than guessed)."""
    if not isinstance(acr, str):
        return None
    value = acr.strip().lower().rstrip("/")
    match = ACR_SPID.search(value)
    if match:
        return int(match.group(1))
    return ACR_EIDAS.get(value.rsplit("/", 1)[-1])


def _birth_date(value: object) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None  # a gateway's odd date is not a reason to refuse the person


def _text(claims: dict, *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return identifiers.clean_text(value)[:150]
    return ""


def identity_from_claims(provider: str, claims: dict) -> Identity:
    """The person the claims (userinfo over the ID token) describe; ClaimError when they do not
    carry a valid Italian fiscal number."""
    fiscal_number = fiscal_number_from_claim(
        claims.get("fiscalNumber") or claims.get("fiscal_number")
    )
    email = _text(claims, "email")
    return Identity(
        provider=provider,
        fiscal_number=fiscal_number,
        first_name=_text(claims, "given_name"),
        last_name=_text(claims, "family_name", "familyName"),
        email=identifiers.normalise_email(email) if email else "",
        birth_date=_birth_date(claims.get("birthdate") or claims.get("dateOfBirth")),
        level=level_from_acr(claims.get("acr")),
    )


def claims_of(extra_data: dict) -> dict:
    """One dictionary of claims from what allauth keeps of the login: the ID token's, with the
    userinfo's over them (a gateway often puts SPID's attributes only in the userinfo)."""
    claims = dict(extra_data.get("id_token") or {})
    claims.update(extra_data.get("userinfo") or {})
    if "acr" in (extra_data.get("id_token") or {}):
        claims["acr"] = extra_data["id_token"]["acr"]  # the ID token's, which is signed
    return claims
