"""The completion certificate as a one-page A4 PDF: reportlab with its built-in CJK font (STSong-Light, no font
file needed) so Chinese names render, and a QR code (segno, drawn as vector squares) that opens the public
verification page.

STSong-Light is read through the UniGB-UCS2-H CMap, which has no glyph for some Western marks: "·" (U+00B7, in
course titles and joined texts), "•", "−", the non-breaking space and hyphen. A viewer draws a missing-glyph box for
them, so every text drawn in it passes through `drawable`, which puts the CJK form (or a plain one) in their
place. A text of Western letters alone (the English wording, a Latin name) is set in Times, which draws them all and
spaces them as they should be."""

import re
from io import BytesIO

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from courses.completion.models import CompletionCertificate
from talent.core.i18n import format_date, format_number
from talent.core.i18n import gettext as _

FONT = "STSong-Light"
LATIN = "Times-Roman"
LATIN_BOLD = "Times-Bold"
# Marks the font's CMap (UniGB-UCS2-H) lacks → one it has.
SUBSTITUTES = str.maketrans(
    {
        "\u00b7": "\u30fb",  # middle dot → the GB 2312 middle dot (・)
        "\u2022": "\u30fb",  # bullet
        "\u2027": "\u30fb",  # hyphenation point
        "\u2212": "-",  # minus sign
        "\u2011": "-",  # non-breaking hyphen
        "\u00a0": " ",  # non-breaking space
        "\u202f": " ",  # narrow non-breaking space (some locales' number formats)
    }
)
RED = (0.55, 0.1, 0.1)
GOLD = (0.72, 0.56, 0.2)
INK = (0.1, 0.1, 0.1)
GREY = (0.4, 0.4, 0.4)


def drawable(text: str) -> str:
    """The text with the marks the CJK font cannot draw replaced by ones it can (" · " between words becomes the
    CJK middle dot, which carries its own space)."""
    return re.sub(r"\s*\u00b7\s*", "\u00b7", str(text)).translate(SUBSTITUTES)


def is_latin(text: str) -> bool:
    """Whether a standard PDF font (WinAnsi) draws every character of the text."""
    try:
        str(text).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def set_text(c: canvas.Canvas, text: str, size: float, *, bold: bool = False) -> str:
    """Choose the font for the text (Times for Western letters alone, else the CJK font) and return the text as
    that font draws it."""
    if is_latin(text):
        c.setFont(LATIN_BOLD if bold else LATIN, size)
        return str(text)
    c.setFont(_font(), size)
    return drawable(text)


def centred(c: canvas.Canvas, text: str, size: float, x: float, y: float, *, bold: bool = False) -> None:
    c.drawCentredString(x, y, set_text(c, text, size, bold=bold))


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    cell = size / n
    c.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, bit in enumerate(row):
            if bit:
                c.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def _frame(c: canvas.Canvas, width: float, height: float) -> None:
    """A double border, red outside and gold inside, with square corner marks."""
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1.5)
    c.rect(38, 38, width - 76, height - 76)
    c.setLineWidth(0.6)
    c.rect(44, 44, width - 88, height - 88)
    c.setFillColorRGB(*GOLD)
    for x, y in ((38, 38), (width - 38, 38), (38, height - 38), (width - 38, height - 38)):
        c.rect(x - 7, y - 7, 14, 14, stroke=0, fill=1)


def _issuer(certificate: CompletionCertificate) -> str:
    region = getattr(certificate.course, "region", None)
    if region is not None and getattr(region, "name", ""):
        return _("%(region)s Civil Affairs Bureau", region=region.name)
    return _("Social work talent training programme")


def _wrapped(c: canvas.Canvas, text: str, size: float, x: float, y: float, width: float) -> float:
    """Draw the text centred on x, wrapped to `width`; returns the y below the last line."""
    shown = set_text(c, text, size)
    for line in simpleSplit(shown, c._fontname, size, width) or [""]:
        c.drawCentredString(x, y, line)
        y -= size * 1.35
    return y


def certificate_pdf(certificate: CompletionCertificate, verify_url: str) -> bytes:
    """`certificate` with course and worker loaded (and the course's region, for the issuer, when it has one)."""
    _font()
    buf = BytesIO()
    width, height = landscape(A4)
    middle = width / 2
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(_("Certificate of completion"))
    c.setAuthor("Talent")
    _frame(c, width, height)
    course = certificate.course

    c.setFillColorRGB(*GREY)
    text = set_text(c, _("Certificate no. %(code)s", code=certificate.code), 10)
    c.drawRightString(width - 70, height - 72, text)

    c.setFillColorRGB(*RED)
    centred(c, _("Certificate of completion"), 40, middle, height - 128, bold=True)
    c.setStrokeColorRGB(*GOLD)
    c.setLineWidth(1)
    c.line(middle - 150, height - 146, middle + 150, height - 146)

    c.setFillColorRGB(*INK)
    centred(c, _("This certifies that"), 16, middle, height - 190)
    name = set_text(c, certificate.worker.name, 34, bold=True)
    c.drawCentredString(middle, height - 240, name)
    name_width = max(160, pdfmetrics.stringWidth(name, c._fontname, 34) + 40)
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(0.8)
    c.line(middle - name_width / 2, height - 250, middle + name_width / 2, height - 250)
    centred(c, _("has completed the course"), 16, middle, height - 285)
    y = _wrapped(c, course.title, 24, middle, height - 325, width - 220)

    c.setFillColorRGB(*GREY)
    details = [_("Continuing-education hours: %(hours)s", hours=format_number(certificate.hours, 1))]
    if getattr(course, "starts_on", None) and getattr(course, "ends_on", None):
        details.append(
            _(
                "Training period: %(start)s – %(end)s",
                start=format_date(course.starts_on),
                end=format_date(course.ends_on),
            )
        )
    for text in details:
        y -= 6
        centred(c, text, 14, middle, y)
        y -= 20

    if certificate.revoked_at is not None:
        c.saveState()
        c.setFillColorRGB(0.8, 0, 0)
        c.setFillAlpha(0.6)
        c.translate(middle, height / 2)
        c.rotate(18)
        centred(c, _("Revoked"), 72, 0, 0, bold=True)
        c.restoreState()

    # Bottom left: the QR code that opens the verification page, the address and the code beside it.
    size = 92
    _qr(c, verify_url, 72, 92, size)
    c.setFillColorRGB(*GREY)
    left = 72 + size + 12
    for offset, text in (
        (12, _("Scan to verify this certificate")),
        (28, _("Verify at: %(url)s") % {"url": verify_url}),
        (42, _("Verification code: %(code)s") % {"code": certificate.code}),
    ):
        c.drawString(left, 92 + size - offset, set_text(c, text, 9))

    # Bottom right: the issuer and the date of issue, above and below a rule.
    right = width - 190
    c.setFillColorRGB(*INK)
    centred(c, _issuer(certificate), 15, right, 130)
    c.setLineWidth(0.6)
    c.line(right - 110, 120, right + 110, 120)
    centred(c, _("Issued on %(date)s", date=format_date(certificate.issued_on)), 12, right, 100)
    c.showPage()
    c.save()
    return buf.getvalue()
