"""Mail: queued by services, sent only after the database commit, never failing a request.

Services call `queue_mail`; the message waits in the session until it commits (a rollback drops
it). Then it goes through SMTP when LAUREL_SMTP_HOST is set, else into instance/outbox/ as an .eml
file. A failure to send is logged, never raised: the registration is saved either way.
"""

from __future__ import annotations

import smtplib
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

OUTBOX_KEY = "laurel_outbox"


def queue_mail(to: list[str], subject: str, body: str) -> None:
    """Send this message once the current transaction commits."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    message = EmailMessage()
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    db.session().info.setdefault(OUTBOX_KEY, []).append(message)


def _deliver(message: EmailMessage) -> None:
    config = current_app.config
    message["From"] = config["MAIL_FROM"]
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
        return
    outbox = Path(current_app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"  # names sort in the order mail was sent
    (outbox / name).write_bytes(bytes(message))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX_KEY, [])
    if not messages or not has_app_context():
        return
    for message in messages:
        try:
            _deliver(message)
        except Exception:  # mail must never cost a team its registration
            current_app.logger.exception("could not send mail to %s", message["To"])


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
