"""E-mail addresses typed by citizens: plausible, or a message saying what looks wrong."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from equilibri.core import identifiers

# Frequent typos of the big providers: "probably a mistake", with the right spelling.
DOMAIN_TYPOS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gmail.con": "gmail.com",
    "gmail.it": "gmail.com",
    "gnail.com": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "hotmai.it": "hotmail.it",
    "libero.con": "libero.it",
    "libreo.it": "libero.it",
    "yahoo.con": "yahoo.com",
    "yaho.it": "yahoo.it",
    "outlok.com": "outlook.com",
    "outlook.con": "outlook.com",
    "virgilio.con": "virgilio.it",
    "tiscali.con": "tiscali.it",
}
RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local", "lan"}
RESERVED_DOMAINS = {"example.com", "example.org", "example.net", "example.it"}


def check_plausible_email(value: str) -> str:
    """The address, normalised, or a ValidationError saying what looks wrong."""
    email = identifiers.normalise_email(value)
    if not email:
        raise ValidationError(_("Inserisci il tuo indirizzo e-mail."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _(
                "«%(email)s» non è un indirizzo e-mail valido: controlla che sia scritto come "
                "nome@dominio.it."
            )
            % {"email": email[:100]}
        ) from None
    local, domain = email.rsplit("@", 1)
    domain = domain.lower()
    if domain in DOMAIN_TYPOS:
        raise ValidationError(
            _("Controlla l'indirizzo: forse intendevi %(suggestion)s?")
            % {"suggestion": f"{local}@{DOMAIN_TYPOS[domain]}"}
        )
    tld = domain.rsplit(".", 1)[-1]
    if (
        "." not in domain
        or tld in RESERVED_TLDS
        or domain in RESERVED_DOMAINS
        or not re.fullmatch(r"[a-z]{2,24}", tld)
    ):
        raise ValidationError(
            _("Il dominio «%(domain)s» non può ricevere e-mail: controlla l'indirizzo.")
            % {"domain": domain}
        )
    return f"{local}@{domain}"
