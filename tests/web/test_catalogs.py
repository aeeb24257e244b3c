"""Both catalogs stay complete: every string the code and templates show has a zh_CN and an en entry."""

import re

import pytest

from talent.web import catalogs


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_visible_string_is_translated(locale):
    missing = catalogs.missing(locale)
    assert not missing, f"{len(missing)} untranslated in {locale} (run `make messages`): {missing[:20]}"


def test_translations_keep_their_placeholders():
    # A dropped or renamed %(name)s would raise at render time, in one language only.
    for message in catalogs.load("zh_CN"):
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(re.findall(r"%\(\w+\)s", message.string)), (
            message.id
        )
