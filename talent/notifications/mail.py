"""E-mail: one SMTP connection per `talent remind` run (stdlib smtplib in a worker thread, so the event loop never
blocks on the network). An address is checked where it is set (talent.accounts.email); here it is only read."""

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from talent.settings import Settings

# Errors that concern one message (its recipient, sender, content, or an address the server cannot carry):
# the next message may still go through. ValueError: a header the stored address cannot make.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,
)


def refusal(exc: BaseException) -> str:
    """The server's reply to a refused message, readable in a log line."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, reply = next(iter(exc.recipients.values()))
        return f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        return f"{exc.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return f"{type(exc).__name__}: {exc}"


def sender(settings: Settings) -> str:
    if settings.smtp_from:
        return settings.smtp_from
    return settings.smtp_username if "@" in settings.smtp_username else "talent@localhost"


def build(*, settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender(settings)
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender(settings).rpartition("@")[2] or None)
    # Tells mail servers and vacation responders that no one should reply to it automatically (RFC 3834).
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


class Mailer:
    """One SMTP connection; `send` raises MESSAGE_ERRORS for a refused message and anything else when the
    connection itself is lost."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        if s.smtp_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        try:
            smtp.ehlo()
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
        except BaseException:
            smtp.close()
            raise
        return smtp

    async def open(self) -> None:
        self.smtp = await asyncio.to_thread(self._connect)

    async def send(self, msg: EmailMessage) -> None:
        assert self.smtp is not None
        await asyncio.to_thread(self.smtp.send_message, msg)

    async def close(self) -> None:
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            await asyncio.to_thread(smtp.quit)
        except (smtplib.SMTPException, OSError):
            smtp.close()
