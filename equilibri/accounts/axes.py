def username_from_request(request, credentials) -> str | None:
    """allauth signs in with `login` (the e-mail); axes needs it to lock per account."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login")
    return value.strip().lower() if value else None
