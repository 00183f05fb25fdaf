"""A real OpenID Connect provider for the tests: django-oauth-toolkit with OIDC on, in a second
process on loopback (server.py starts it), standing in for a SPID/CIE gateway. Its people and
their SPID attributes are PERSONAS below."""

PASSWORD = "provider-password-2026"
CLIENT_ID = "equilibri-test"
CLIENT_SECRET = "equilibri-test-secret"
SPID_L2 = "https://www.spid.gov.it/SpidL2"

# username -> the claims the gateway asserts (fiscalNumber in SPID's TINIT- form).
PERSONAS: dict[str, dict] = {
    "maria": {
        "given_name": "Maria",
        "family_name": "Rossi",
        "email": "maria.rossi@example.org",
        "fiscalNumber": "TINIT-RSSMRA80A41F205B",
        "birthdate": "1980-01-01",
        "acr": SPID_L2,
    },
    "luca": {
        "given_name": "Luca",
        "family_name": "Bianchi",
        "email": "luca.bianchi@example.org",
        "fiscalNumber": "TINIT-BNCLCU85M10F205R",
        "birthdate": "1985-08-10",
        "acr": "https://www.spid.gov.it/SpidL3",
    },
    # The same person as maria, with another e-mail address at the gateway.
    "maria2": {
        "given_name": "Maria",
        "family_name": "Rossi",
        "email": "m.rossi@example.net",
        "fiscalNumber": "TINIT-RSSMRA80A41F205B",
        "birthdate": "1980-01-01",
        "acr": SPID_L2,
    },
    # A gateway that does not share the e-mail address.
    "anna": {
        "given_name": "Anna",
        "family_name": "Verdi",
        "fiscalNumber": "TINIT-VRDNNA90C45F205D",
        "acr": "https://www.spid.gov.it/SpidL1",
    },
    "nofiscal": {
        "given_name": "Senza",
        "family_name": "Codice",
        "email": "senza.codice@example.org",
        "acr": SPID_L2,
    },
}
