"""GDPR erasure (issue 15): stored e-mails that name an erased candidate are removed (with
their .ics attachments). Registered with recruiting's hooks by the demo wiring (ebms.demo)."""

from __future__ import annotations

from django.db.models import Q

from .models import StoredMail


def on_recruiting_event(event: str, **payload) -> None:
    """Hooks listener: on `candidate_erased`, delete every stored mail to or about him (by
    his full name or address: a first name alone, or a shared phone, is anybody's)."""
    if event != "candidate_erased":
        return
    candidate = payload["candidate"]
    match = Q(to__iexact=candidate.email) if candidate.email else Q()
    for needle in payload["identifiers"]:
        if needle == candidate.phone:
            continue
        match |= (
            Q(to__icontains=needle)
            | Q(subject__icontains=needle)
            | Q(text_body__icontains=needle)
            | Q(html_body__icontains=needle)
        )
    if match:
        StoredMail.objects.filter(match).delete()
