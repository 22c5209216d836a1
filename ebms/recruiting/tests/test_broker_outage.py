"""A broker outage delays candidate e-mails; it never turns a saved change into an error."""

from __future__ import annotations

import pytest

from ebms.celery import app
from ebms.recruiting.models import CandidateEmail
from ebms.recruiting.tasks import candidate_mails_sweep
from ebms.recruiting.tests import factories as f


@pytest.fixture
def broker_down():
    """Publish to a Redis nobody listens on (no retries), as during an outage."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_publish_retry")}
    app.conf.update(
        broker_url="redis://127.0.0.1:9/0", task_always_eager=False, task_publish_retry=False
    )
    _forget_pools()  # the pools were built for the old URL
    yield
    app.conf.update(saved)
    _forget_pools()


def _forget_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_planning_succeeds_while_the_broker_is_down_and_the_sweep_sends_later(
    alice, application, broker_down, mailoutbox
):
    appointment = f.appointment(application=application, by=alice)  # no exception

    email = CandidateEmail.objects.get(appointment=appointment)
    assert email.status == CandidateEmail.Status.PENDING and mailoutbox == []

    app.conf.task_always_eager = True  # the broker is back (eager stands in for the worker)
    candidate_mails_sweep()
    email.refresh_from_db()
    assert email.status == CandidateEmail.Status.SENT and len(mailoutbox) == 1
