"""How a phone number and a national ID number are shown to a viewer who may not see them in full: the same on
pages, in exports and in the API."""


def mask_phone(value: str | None) -> str:
    """3 leading and 4 trailing digits kept."""
    if not value:
        return ""
    return value[:3] + "*" * max(0, len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_id(value: str | None) -> str:
    """4 leading and 4 trailing characters kept."""
    if not value:
        return ""
    return value[:4] + "*" * max(0, len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)
