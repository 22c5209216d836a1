"""GDPR erasure (issue 15): stored e-mails that name an erased candidate are removed (with
their .ics attachments). Registered with recruiting's hooks by the demo wiring (ebms.demo)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from .models import StoredMail

# The header that ties a stored mail to its candidate e-mail row (recruiting's outbox).
OUTBOX_HEADER = "X-EBMS-Candidate-Email"


def _of_rows(ids: list[int]) -> Q:
    """Stored mails of these outbox rows (the header holds the row id as text)."""
    return Q(**{f"headers__{OUTBOX_HEADER}__in": [str(pk) for pk in ids]}) if ids else Q(pk=None)


def on_recruiting_event(event: str, **payload: Any) -> None:
    """Hooks listener: on `candidate_erased`, delete every stored mail to or about him: his
    outbox rows' mails, mails naming him (full name) and mails to his address. A first name
    alone, or a shared phone, is anybody's; and another candidate with the same address (a
    shared family address, an earlier application) keeps the mails of his own rows, which
    name only him: his record, which keeps the address, is not erased."""
    if event != "candidate_erased":
        return
    candidate = payload["candidate"]
    rows = apps.get_model("recruiting", "CandidateEmail").objects.filter(
        company_id=candidate.company_id
    )
    his = rows.filter(
        Q(appointment__application__candidate=candidate)
        | Q(proposal__application__candidate=candidate)
    )
    about_him = _of_rows(list(his.values_list("pk", flat=True)))
    address = candidate.email.strip()
    for needle in payload["identifiers"]:
        if needle in (candidate.phone, address):
            continue
        about_him |= (
            Q(to__icontains=needle)
            | Q(subject__icontains=needle)
            | Q(text_body__icontains=needle)
            | Q(html_body__icontains=needle)
        )
    StoredMail.objects.filter(about_him).delete()
    if not address:
        return
    theirs = rows.exclude(pk__in=his).filter(to__iexact=address).values_list("pk", flat=True)
    keep = StoredMail.objects.filter(_of_rows(list(theirs))).values_list("pk", flat=True)
    to_him = (
        Q(to__icontains=address) | Q(text_body__icontains=address) | Q(html_body__icontains=address)
    )
    StoredMail.objects.filter(to_him).exclude(pk__in=list(keep)).delete()
