from ..conftest import PERSONAS

ANON = "anonymous"
ALL = [ANON, *PERSONAS]
STAFF = [p for p in PERSONAS if p != "citizen"]


def public() -> dict[str, int]:
    return dict.fromkeys(ALL, 200)


def signed_in() -> dict[str, int]:
    return {ANON: 302, **dict.fromkeys(PERSONAS, 200)}


def staff_only(**overrides: int) -> dict[str, int]:
    """Signed-in staff get 200 unless overridden; citizens 403; anonymous go to login."""
    return {ANON: 302, "citizen": 403, **dict.fromkeys(STAFF, 200), **overrides}


def only(*personas: str, denied: int = 403) -> dict[str, int]:
    """200 for the named personas, `denied` for the other staff, 403 citizen, 302 anonymous."""
    expected = {ANON: 302, "citizen": 403, **dict.fromkeys(STAFF, denied)}
    expected.update(dict.fromkeys(personas, 200))
    return expected
