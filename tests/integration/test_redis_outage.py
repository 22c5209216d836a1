"""Redis down must not stop the product (issue 11, point 1).

A real redis-server of this test (own port) is the cache and the Celery broker; it is
stopped in the middle of the test. Login, "Termin planen", the candidate's pick and the
picker keep working, the page says that Outlook and the e-mail follow later, and once Redis
is back the beat sweeps deliver both.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from calendar_integration.sync.models import CalendarEvent
from calendar_integration.sync.services import sync_sweep
from calendar_integration.sync.tests.conftest import alice, application, muster, rita
from ebms.celery import app
from ebms.recruiting import services
from ebms.recruiting.models import Appointment, CandidateEmail
from ebms.recruiting.tasks import candidate_mails_sweep
from ebms.recruiting.tests import factories
from ebms.recruiting.tests.test_views_appointments import form_data
from m365sim.models import Event

__all__ = ["alice", "application", "muster", "rita"]  # fixtures of the sync tests

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs the redis-server binary"
)


class RedisServer:
    """A private redis-server on a free port that the test can stop and start again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",  # noqa: S607
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _forget_broker_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_server(settings):
    """Cache and broker on a private Redis; tasks are published, not run (no worker)."""
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=server.url, task_always_eager=False)
    _forget_broker_pools()
    yield server
    server.stop()
    app.conf.update(saved)
    _forget_broker_pools()


def test_with_redis_stopped_the_product_works_and_the_work_goes_out_when_it_is_back(
    m365, rita, alice, application, redis_server, mailoutbox
):
    proposal = services.proposal_create(
        by=alice, application=application, recruiter=alice, observers=[], kind="phone",
        title="Kennenlernen", slots=[(factories.future(days=3), factories.future(days=3, hour=11)),
                                     (factories.future(days=4), factories.future(days=4, hour=11))],
    )  # fmt: skip
    slot = proposal.slots.order_by("starts_at").first()
    link = services.proposal_link_for(proposal).split("/", 3)[-1]

    redis_server.stop()

    recruiter = Client()
    wrong = recruiter.post(
        reverse("accounts:login"), {"username": alice.email, "password": "falsch"}
    )
    assert wrong.status_code == 200  # refused, and counted by this process
    login = recruiter.post(
        reverse("accounts:login"), {"username": alice.email, "password": "pw-" + alice.email}
    )
    assert login.status_code == 302

    planned = recruiter.post(
        reverse("recruiting:appointment_create", args=[application.pk]),
        form_data(alice, title="Gespräch im Ausfall"),
        follow=True,
    )
    assert planned.status_code == 200
    assert "verzögern sich gerade" in planned.content.decode()
    appointment = Appointment.objects.get(title="Gespräch im Ausfall")

    candidate = Client()
    page = candidate.post(f"/{link}")["Location"]  # the link's button: the token-free page
    picked = candidate.post(page, {"slot": slot.pk})
    assert picked.status_code == 200
    assert "verzögert sich etwas" in picked.content.decode()
    chosen = Appointment.objects.get(proposal=proposal)

    picker = recruiter.get(
        reverse("calendar_integration:availability_picker"),
        {"start": appointment.starts_at.date().isoformat()},
    )
    assert picker.status_code == 200
    organiser = picker.json()["rows"][0]
    assert organiser["known"] is False and "gerade nicht verfügbar" in organiser["note"]

    # Nothing went out yet: no worker was reachable.
    assert mailoutbox == []
    assert not Event.objects.filter(subject__startswith="Gespräch im Ausfall").exists()

    redis_server.start()
    app.conf.task_always_eager = True  # the worker is back (eager stands in for it)
    candidate_mails_sweep()
    sync_sweep()

    for item in (appointment, chosen):
        assert CandidateEmail.objects.get(appointment=item).status == CandidateEmail.Status.SENT
        record = CalendarEvent.objects.get(appointment=item)
        assert record.synced_version == record.wanted_version and record.graph_id
    assert Event.objects.filter(subject__startswith="Gespräch im Ausfall").count() == 1
