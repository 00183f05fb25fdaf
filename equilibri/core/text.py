import unicodedata


def fold(text: str) -> str:
    """Lower case without accents or apostrophe variants, for lookups typed by people."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
