"""Celery tasks: the names the beat schedule uses, and what each run does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ebms.celery import app
from ebms.recruiting import tasks
from ebms.recruiting.models import CandidateEmail, Proposal
from ebms.recruiting.services import proposal_create
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_names_existing_tasks():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "ebms.recruiting.tasks.candidate_mails_sweep",
        "ebms.recruiting.tasks.proposals_expire",
    } <= scheduled
    for name in scheduled | {"ebms.recruiting.tasks.candidate_email_send"}:
        if name.startswith("ebms.recruiting."):
            assert name in app.tasks
    assert tasks.candidate_mails_sweep.name == "ebms.recruiting.tasks.candidate_mails_sweep"
    assert tasks.proposals_expire.name == "ebms.recruiting.tasks.proposals_expire"


def test_the_sweep_sends_rows_whose_enqueue_was_lost(
    django_capture_on_commit_callbacks, mailoutbox
):
    w = f.world()
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the message
        f.appointment(application=w.application, by=w.alice)
    assert tasks.candidate_mails_sweep.delay().get() == 1
    assert CandidateEmail.objects.get().status == "sent" and len(mailoutbox) == 1
    assert tasks.candidate_mails_sweep.delay().get() == 0
    assert len(mailoutbox) == 1


def test_the_sweep_leaves_waiting_rows_alone(django_capture_on_commit_callbacks, mailoutbox):
    from ebms.recruiting import hooks
    from ebms.recruiting.models import JOIN_INFO_PLACEHOLDER

    w = f.world()
    provider = hooks.provide_join_info(lambda appointment: True)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            f.appointment(
                application=w.application,
                by=w.alice,
                kind="online",
                candidate_message=JOIN_INFO_PLACEHOLDER,
            )
    finally:
        hooks_registry.stop_providing_join_info(provider)
    assert tasks.candidate_mails_sweep.delay().get() == 0
    assert CandidateEmail.objects.get().status == "waiting" and mailoutbox == []


def test_the_expiry_task_closes_expired_proposals():
    w = f.world()
    day = f.future(days=4)
    proposal = proposal_create(
        by=w.alice,
        application=w.application,
        recruiter=w.alice,
        observers=[],
        kind="phone",
        slots=[(day, day + timedelta(hours=1)), (day.replace(hour=15), day.replace(hour=16))],
        title="Telefoninterview",
    )
    assert tasks.proposals_expire.delay().get() == 0
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=timezone.now())
    assert tasks.proposals_expire.delay().get() == 1
    assert Proposal.objects.get(pk=proposal.pk).status == "expired"
