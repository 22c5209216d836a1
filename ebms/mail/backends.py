"""An e-mail backend that stores messages in the database instead of sending them."""

from __future__ import annotations

from django.apps import apps
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def _company_id(message: EmailMessage) -> int | None:
    """The company a mail belongs to: its candidate e-mail row's, else a recipient user's."""
    candidate_email = str(message.extra_headers.get("X-EBMS-Candidate-Email", ""))
    if candidate_email.isdigit():
        model = apps.get_model("recruiting", "CandidateEmail")
        found = model.objects.filter(pk=int(candidate_email)).values_list("company_id", flat=True)
        if found:
            return found[0]
    users = apps.get_model("accounts", "User").objects.filter(
        email__in=[*message.to, *message.cc], company__isnull=False
    )
    return users.values_list("company_id", flat=True).first()


def _outbox_row_erased(message: EmailMessage) -> bool:
    """True when the mail's candidate e-mail row is gone or lost its address: its candidate
    was erased (issue 15) while the mail was on its way, so no copy may be kept.

    Asked after the copy is committed, with the row locked: the erasure locks the
    candidate's rows before it deletes his stored mails, so a copy committed before that
    lock is deleted by the erasure, and a later check waits for it and finds the row erased.
    (Checking first and storing under the lock could deadlock: the insert's foreign-key
    check waits for locks on the company that a change waiting for the erasure holds.)"""
    candidate_email = str(message.extra_headers.get("X-EBMS-Candidate-Email", ""))
    if not candidate_email.isdigit():
        return False
    model = apps.get_model("recruiting", "CandidateEmail")
    to = list(
        model.objects.select_for_update(no_key=True)
        .filter(pk=int(candidate_email))
        .values_list("to", flat=True)
    )
    return not to or not to[0]


def _text(content) -> str:
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)


class DatabaseEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        from .models import StoredMail

        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (_text(c) for c, mime in message.alternatives if mime == "text/html"), ""
                )
            attachments = []
            for attachment in message.attachments:
                if isinstance(attachment, tuple):
                    filename, content, mimetype = attachment
                else:  # MIMEBase
                    filename = attachment.get_filename()
                    content = attachment.get_payload(decode=True)
                    mimetype = attachment.get_content_type()
                attachments.append(
                    {"filename": filename, "mimetype": mimetype, "content": _text(content)}
                )
            stored = StoredMail.objects.create(
                company_id=_company_id(message),
                from_email=message.from_email,
                to=", ".join(message.to),
                subject=message.subject,
                text_body=message.body,
                html_body=html,
                attachments=attachments,
                headers=dict(message.extra_headers),
            )
            with transaction.atomic():
                if _outbox_row_erased(message):
                    stored.delete()  # sent, but no copy of an erased candidate's mail is kept
        return len(email_messages)
