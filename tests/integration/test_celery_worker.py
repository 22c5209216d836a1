"""A real `celery worker` process executes a task enqueued on commit (PostgreSQL + Redis)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from ebms.celery import app
from ebms.mail.models import StoredMail
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.services import appointment_create
from ebms.recruiting.tests import factories
from tests.integration.worker import celery_worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or connection.vendor != "postgresql",
        reason="needs REDIS_URL and DATABASE_URL (PostgreSQL): run via .ci/run",
    ),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


@pytest.fixture
def real_broker():
    """Send tasks to Redis instead of running them in the test process."""
    app.conf.task_always_eager = False
    app.control.purge()
    yield
    app.control.purge()


def test_a_worker_sends_the_invitation_enqueued_on_commit(real_broker):
    world = factories.world(email="cand@example.org")
    start = factories.future(days=3)

    appointment = appointment_create(
        by=world.alice,
        application=world.application,
        recruiter=world.alice,
        observers=[world.bob],
        kind="onsite",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        location="Domstraße 1, Köln",
        title="Vorstellungsgespräch",
        candidate_message="Bis bald.",
    )
    # Committed, but nobody ran the task yet: only the worker can send it.
    assert StoredMail.objects.filter(to__contains="cand@example.org").count() == 0

    with celery_worker():
        sent = wait_until(
            lambda: CandidateEmail.objects.filter(
                appointment=appointment, status=CandidateEmail.Status.SENT
            ).exists()
        )
        assert sent, "the worker did not send the invitation within 60 s"

    mails = StoredMail.objects.filter(to__contains="cand@example.org")
    assert mails.count() == 1
    assert any(a["filename"].endswith(".ics") for a in mails.get().attachments)
