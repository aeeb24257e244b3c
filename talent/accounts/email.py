"""An account's e-mail address: checked and normalised here, where it is set; notifications only read it."""

from email_validator import EmailNotValidError, validate_email


def email_normalise(raw: str) -> str | None:
    """The address as stored (domain lower-cased, an international domain in its ASCII form), "" for an empty
    input, None if it is not a deliverable-looking address. Syntax only: no DNS look-up."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if len(raw) > 254:
        return None
    try:
        # Plain SMTP cannot carry a non-ASCII mailbox name without SMTPUTF8, which many servers lack.
        result = validate_email(raw, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return result.ascii_email or result.normalized
