"""Keep the zh_CN and en catalogs complete: extract, merge, fill English, and report gaps.

`make messages` runs `python -m talent.web.catalogs update`; the test suite calls `missing()`.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from talent.core.i18n import LOCALE_DIR, LOCALES

ROOT = LOCALE_DIR.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy": None}


def extract() -> Catalog:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="talent")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = _po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="talent")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def update() -> dict[str, int]:
    """Merge the extracted messages into both catalogs; English translations equal their msgids."""
    template = extract()
    gaps = {}
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        for message in catalog:
            if not message.id:
                continue
            if locale == "en" and not _translated(message):
                message.string = message.id
            message.flags.discard("fuzzy")
        path = _po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True, width=120)
        gaps[locale] = sum(1 for m in catalog if m.id and not _translated(m))
    return gaps


def _translated(message) -> bool:
    if isinstance(message.string, tuple):
        return all(message.string)
    return bool(message.string)


def missing(locale: str) -> list[str]:
    """msgids used in the code that the locale's catalog does not translate."""
    catalog = load(locale)
    out = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not _translated(found):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        for loc, n in update().items():
            print(f"{loc}: {n} untranslated")
    elif sys.argv[1:] == ["check"]:
        bad = {loc: missing(loc) for loc in LOCALES}
        for loc, ids in bad.items():
            print(f"{loc}: {len(ids)} missing")
            for i in ids[:50]:
                print("   ", i)
        sys.exit(1 if any(bad.values()) else 0)
    else:
        print("usage: python -m talent.web.catalogs update|check")
        sys.exit(2)
