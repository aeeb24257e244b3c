"""Chinese text uses Chinese punctuation: no ASCII ( ) : , ; ? ! beside Chinese characters in the zh_CN catalog,
and no template puts an ASCII colon or bracket after a translated label (it uses colon(), which is "：" in
Chinese)."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from talent.core import i18n
from talent.core.i18n import colon

ROOT = Path(__file__).resolve().parents[2]
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”]"
ASCII_MARK = r"[():,;?!]"
MIXED = re.compile(rf"{CJK}\s*{ASCII_MARK}|{ASCII_MARK}\s*{CJK}")
# %(name)s placeholders and {name} fields hold ASCII brackets of their own.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdif]|%[sd]|\{[a-z_]+\}")
AFTER_LABEL = re.compile(r'_\("[^"]*"\)\s*\}\}\s?[:(,]')


def ascii_beside_chinese(text: str) -> bool:
    """ASCII punctuation beside a Chinese character. A formula (a text with "=") keeps the mathematical notation
    max(a, b) and (a − b) ÷ c, which is written the same in Chinese."""
    return "=" not in text and bool(MIXED.search(PLACEHOLDER.sub("", text)))


def test_the_check_sees_ascii_punctuation_beside_chinese_and_nothing_else():
    assert ascii_beside_chinese("剩余时间: %(n)s") and ascii_beside_chinese("证书(已注册)")
    assert not ascii_beside_chinese("剩余时间：%(n)s") and not ascii_beside_chinese("由%(app)s发送（自动）")
    assert not ascii_beside_chinese("A-ZH (2025)")
    assert not ascii_beside_chinese("每月差额 = max(0, 薪级下限 − 薪酬)")


def test_no_zh_cn_translation_mixes_ascii_punctuation_into_chinese():
    with open(ROOT / "locale/zh_CN/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    mixed = []
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        mixed += [text for text in texts if text and ascii_beside_chinese(text)]
    assert not mixed, mixed


def test_no_template_puts_an_ascii_colon_or_bracket_after_a_translated_label():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in AFTER_LABEL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_the_colon_after_a_label_is_full_width_in_chinese():
    for locale, expected in (("zh_CN", "："), ("en", ": ")):
        token = i18n._current.set(locale)
        try:
            assert colon() == expected
        finally:
            i18n._current.reset(token)
