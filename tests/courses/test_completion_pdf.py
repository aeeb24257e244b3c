"""The completion certificate PDF draws every character with a font that has it: STSong-Light (read through the
UniGB-UCS2-H CMap) lacks "·" (U+00B7) and a few other Western marks, which a viewer shows as a missing-glyph box;
text of Western letters alone is set in Times. Checked on the PDF itself, text extracted with pypdf per font."""

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pypdf

from courses.catalog.models import Lesson
from courses.completion.models import CompletionCertificate
from courses.completion.pdf import SUBSTITUTES, drawable, is_latin
from tests.conftest import login, post
from tests.courses.helpers import make_course
from tests.factories import world

# The CMap a viewer maps the CJK font's text through (poppler-data ships it); where absent, the marks known to
# be missing are checked alone.
CMAP = Path("/usr/share/poppler/cMap/Adobe-GB1/UniGB-UCS2-H")
MISSING = {chr(c) for c in SUBSTITUTES} | {"\u00b7", "\u2022", "\u2212"}


def cmap_coverage(path: Path) -> set[int]:
    text = path.read_text(encoding="latin-1")
    covered: set[int] = set()
    for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for start, end, _cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            covered.update(range(int(start, 16), int(end, 16) + 1))
    for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        covered.update(int(code, 16) for code, _cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block))
    return covered


def drawn(pdf: bytes) -> list[tuple[str, str]]:
    """(font, text) of every text the page draws."""
    chunks: list[tuple[str, str]] = []

    def visit(text, _cm, _tm, font, _size):
        if text.strip():
            chunks.append((str((font or {}).get("/BaseFont", "")), text))

    pypdf.PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return chunks


def assert_every_character_has_a_glyph(pdf: bytes) -> None:
    covered = cmap_coverage(CMAP) if CMAP.exists() else None
    chunks = drawn(pdf)
    assert chunks
    for font, text in chunks:
        if "STSong" in font:
            assert not MISSING & set(text), (font, text)
            if covered is not None:
                assert [ch for ch in text if ord(ch) not in covered and ch not in "\n"] == [], (font, text)
        else:
            assert "Times" in font and is_latin(text), (font, text)


async def certificate_pdf_as_worker(client, locale: str, **course) -> tuple[bytes, CompletionCertificate]:
    w = await world()
    # The helper's course title is "社会工作实务 · Practice": a U+00B7 in data, as in many real titles.
    made = await make_course(w, lessons=1, ce_hours=Decimal("6"), **course)
    await login(client, "worker")
    await post(client, f"/courses/{made.id}/enrol")
    lesson = await Lesson.get(course_id=made.id)
    await post(client, f"/courses/{made.id}/lessons/{lesson.id}/done")
    certificate = await CompletionCertificate.get(course_id=made.id)
    client.cookies.set("talent_lang", locale)
    response = await client.get(f"/courses/certificates/{certificate.id}/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return response.content, certificate


def test_drawable_puts_a_cjk_mark_where_the_font_has_none():
    assert drawable("社会工作实务 · Practice") == "社会工作实务\u30fbPractice"
    assert drawable("8\u00a0h \u2212 2 \u2022 x") == "8 h - 2 \u30fb x"
    assert is_latin("Certificate of completion · 2026") and not is_latin("结业证书")


async def test_the_chinese_certificate_draws_every_character_and_reads_as_a_certificate(client):
    pdf, certificate = await certificate_pdf_as_worker(client, "zh_CN")
    assert_every_character_has_a_glyph(pdf)
    text = "".join(t for _f, t in drawn(pdf))
    for expected in (
        "结业证书",
        "兹证明",
        "工作者1",
        "已完成课程",
        "社会工作实务\u30fbPractice",
        "继续教育学时：6.0",
        "玄武区民政局",  # the course's region issues it
        f"证书编号：{certificate.code}",
        "扫码核验本证书",
    ):
        assert expected in text, expected
    assert re.search(r"发证日期：\d{4}年\d{1,2}月\d{1,2}日", text)


async def test_the_english_certificate_sets_its_wording_in_times(client):
    pdf, certificate = await certificate_pdf_as_worker(client, "en")
    assert_every_character_has_a_glyph(pdf)
    chunks = drawn(pdf)
    times = [t.strip() for f, t in chunks if "Times" in f]
    assert "Certificate of completion" in times and "This certifies that" in times
    assert "Continuing-education hours: 6.0" in times
    assert [t for f, t in chunks if "STSong" in f and "工作者1" in t]  # the Chinese name, in the CJK font
