"""Export tests run with every domain's import kinds registered, as the app and the command line have them
(talent.domains): an export writes the columns of its kind."""

from talent import domains
from talent.imports import framework

domains.load()


def headers_of(kind: str, language: str = "en") -> list[str]:
    """The header row of a kind's export (`talent export` writes English, the pages the viewer's language)."""
    return [c.en if language == "en" else c.zh for c in framework.get_kind(kind).spec.columns]
