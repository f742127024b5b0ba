"""Mail: queued by services, sent only after the database commit, never failing a request.

Services call `queue_mail`; the message waits in the session until it commits (a rollback drops
it). Then the whole batch goes out together: over one SMTP connection when LAUREL_SMTP_HOST is
set, else into instance/outbox/ as .eml files. Messages are built only then, outside the
transaction and its locks. A failure to send is logged, never raised: the registration is saved
either way.
"""

from __future__ import annotations

import smtplib
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.header import Header
from email.mime.text import MIMEText
from pathlib import Path
from typing import NamedTuple

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

OUTBOX_KEY = "laurel_outbox"


class Mail(NamedTuple):
    to: tuple[str, ...]
    subject: str
    body: str


def bilingual(language: str, chinese: str, english: str, *, between: str = "\n") -> str:
    """A message's text in both languages, the contest's own first: English first for an English contest
    ("en"), Chinese first for every other. Mail about a contest speaks both, since its readers may not share
    the organizers' language; subjects join with a space, bodies with a line break.

    >>> bilingual("en", "审核通过", "Approved", between=" ")
    'Approved 审核通过'
    >>> bilingual("zh", "审核通过", "Approved", between=" ")
    '审核通过 Approved'
    """
    first, second = (english, chinese) if language == "en" else (chinese, english)
    return f"{first}{between}{second}"


def queue_mail(to: list[str], subject: str, body: str) -> None:
    """Send this message once the current transaction commits."""
    recipients = tuple(sorted({address for address in to if address}))
    if recipients:
        db.session().info.setdefault(OUTBOX_KEY, []).append(Mail(recipients, subject, body))


def _message(mail: Mail, sender: str) -> MIMEText:
    """A plain UTF-8 message. The classic MIMEText is used because the newer EmailMessage parses its own
    headers again for every message, and an import mails thousands of captains at once."""
    message = MIMEText(mail.body, "plain", "utf-8")
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = Header(mail.subject, "utf-8")
    return message


class Refused(Exception):
    """The mail server refused a message for good (a 5xx answer: no such mailbox, rejected): it bounced."""


class Undelivered(Exception):
    """The mail server could not take a message now (a 4xx answer, or the connection lost): try again later."""


@contextmanager
def mail_sender() -> Iterator[Callable[[Mail], None]]:
    """A function that sends one message at a time over one SMTP connection (or into the outbox folder when
    LAUREL_SMTP_HOST is unset), raising `Refused` or `Undelivered` with the server's answer when it does not
    take one, so that a caller can tell each message's fate."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)

        def write(mail: Mail) -> None:
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"  # names sort in the order mail was sent
            (outbox / name).write_bytes(_message(mail, config["MAIL_FROM"]).as_bytes())

        yield write
        return
    connection = [_connect(config)]
    try:

        def send(mail: Mail) -> None:
            message = _message(mail, config["MAIL_FROM"])
            try:
                _send_once(connection[0], message)
            except ConnectionClosed:
                # Servers close a connection after so many messages or so long idle (421): one new connection,
                # one more try. The server had not taken this message (it answers each before the next begins).
                connection[0] = _connect(config)
                try:
                    _send_once(connection[0], message)
                except ConnectionClosed as error:
                    raise Undelivered(str(error)) from error

        yield send
    finally:
        try:
            connection[0].quit()
        except (smtplib.SMTPException, OSError):  # already gone: nothing to close politely
            connection[0].close()


def _connect(config) -> smtplib.SMTP:
    try:
        smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10)
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    except smtplib.SMTPException as error:
        raise _fate(error) from error
    except OSError as error:
        raise Undelivered(str(error) or type(error).__name__) from error
    return smtp


class ConnectionClosed(Exception):
    """The server closed the connection before taking the message (gone, or a 421 answer)."""


def _send_once(smtp: smtplib.SMTP, message: MIMEText) -> None:
    """Send, raising the message's fate, or `ConnectionClosed` for the caller to connect again."""
    try:
        smtp.send_message(message)
    except smtplib.SMTPServerDisconnected as error:
        raise ConnectionClosed(str(error) or "the server closed the connection") from error
    except smtplib.SMTPResponseException as error:
        if error.smtp_code == 421:  # "service not available, closing the channel": smtplib has closed it
            raise ConnectionClosed(_answer(error.smtp_code, error.smtp_error)) from error
        raise _fate(error) from error
    except smtplib.SMTPException as error:
        raise _fate(error) from error
    except OSError as error:
        raise Undelivered(str(error) or type(error).__name__) from error


def _fate(error: smtplib.SMTPException) -> Refused | Undelivered:
    """What an SMTP error means for the message: refused for good (5xx), or not taken now (4xx, the rest)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # every recipient refused
        code, answer = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, answer = error.smtp_code, error.smtp_error
    else:
        return Undelivered(str(error) or type(error).__name__)
    return (Refused if code >= 500 else Undelivered)(_answer(code, answer))


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


def deliver(batch: list[Mail], on_sent: Callable[[int], None] | None = None) -> None:
    """Send the batch now: over one SMTP connection, or into the outbox folder. The first message the server
    does not take stops the batch with its answer."""
    with mail_sender() as send:
        for mail in batch:
            send(mail)
            if on_sent is not None:
                on_sent(1)


@event.listens_for(Session, "before_commit")
def _bulk_mail_as_a_job(session: Session) -> None:
    """More mail than a request should wait for becomes a job, committed with the request's work, and sent
    by a worker after the commit."""
    batch = session.info.get(OUTBOX_KEY)
    if batch and has_request_context() and len(batch) > current_app.config["MAIL_JOB_THRESHOLD"]:
        from flask_login import current_user

        from app.jobs.services import start_mail_job

        if not current_user.is_authenticated:  # a job has an owner; no one's request sends mail in bulk
            return

        start_mail_job(session.info.pop(OUTBOX_KEY))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    batch = session.info.pop(OUTBOX_KEY, [])
    if not batch or not has_app_context():
        return
    try:
        deliver(batch)
    except Exception:  # mail must never cost a team its registration
        current_app.logger.exception("could not send %s messages", len(batch))


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
