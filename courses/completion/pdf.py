"""The completion certificate as a one-page A4 PDF: reportlab with its built-in CJK font (STSong-Light,
no font file needed) so Chinese names render, and a QR code (segno, drawn as vector squares) that opens
the public verification page."""

from io import BytesIO

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from courses.completion.models import CompletionCertificate
from talent.core.i18n import format_date
from talent.core.i18n import gettext as _

FONT = "STSong-Light"


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


def certificate_pdf(certificate: CompletionCertificate, verify_url: str) -> bytes:
    """`certificate` with course and worker loaded."""
    font = _font()
    buf = BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(_("Certificate of completion"))
    c.setAuthor("Talent")
    c.setLineWidth(3)
    c.rect(30, 30, width - 60, height - 60)
    c.setLineWidth(1)
    c.rect(40, 40, width - 80, height - 80)
    c.setFont(font, 32)
    c.drawCentredString(width / 2, height - 120, _("Certificate of completion"))
    c.setFont(font, 16)
    c.drawCentredString(width / 2, height - 175, _("This certifies that"))
    c.setFont(font, 28)
    c.drawCentredString(width / 2, height - 220, certificate.worker.name)
    c.setFont(font, 16)
    c.drawCentredString(width / 2, height - 265, _("has completed the course"))
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 305, certificate.course.title[:60])
    c.setFont(font, 14)
    c.drawCentredString(
        width / 2,
        height - 345,
        _("Continuing-education hours: %(hours)s · Issued on %(date)s")
        % {"hours": f"{certificate.hours:.1f}", "date": format_date(certificate.issued_on)},
    )
    if certificate.revoked_at is not None:
        c.setFillColorRGB(0.8, 0, 0)
        c.setFont(font, 24)
        c.drawCentredString(width / 2, height - 385, _("Revoked"))
        c.setFillColorRGB(0, 0, 0)
    size = 110
    _qr(c, verify_url, width - 70 - size, 60, size)
    c.setFont(font, 9)
    c.drawString(70, 75, _("Verify at: %(url)s") % {"url": verify_url})
    c.drawString(70, 62, _("Verification code: %(code)s") % {"code": certificate.code})
    c.showPage()
    c.save()
    return buf.getvalue()
