"""GDPR (issue 15): the company setting "Bewerberdaten in Outlook" (full name, initials, none)
decides what events show; a change updates the upcoming events once (one PATCH each, through
the outbox), never the past ones; the body never carries the candidate's contact data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ebms.accounts.models import Role, User
from ebms.recruiting.models import Appointment
from ebms.recruiting.privacy import OutlookCandidateData
from ebms.recruiting.services import privacy_settings_set

from .conftest import calls, events_of, plan, record_of


@pytest.fixture
def carol(muster) -> User:
    return User.objects.create_user(
        "carol@muster.example", "pw", company=muster, role=Role.COMPANY_ADMIN, first_name="Carol"
    )


def _subjects(mailbox) -> list[str]:
    return [e.subject for e in events_of(mailbox)]


def test_initials_patch_each_upcoming_event_once_and_no_past_one(
    m365, rita, alice, olaf, carol, application
):
    past = plan(application=application, by=alice, observers=[olaf], days=1)
    first = plan(application=application, by=alice, observers=[olaf], days=3)
    second = plan(application=application, by=alice, days=4)
    Appointment.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    before = len(calls(m365.recruiter))

    privacy_settings_set(
        company_id=carol.company_id, by=carol, outlook_candidate_data=OutlookCandidateData.INITIALS
    )
    privacy_settings_set(  # saving the same value again changes nothing
        company_id=carol.company_id, by=carol, outlook_candidate_data=OutlookCandidateData.INITIALS
    )

    made = calls(m365.recruiter)[before:]
    assert sorted((c.method, c.path.rsplit("/", 1)[-1]) for c in made) == sorted(
        ("PATCH", record_of(a).graph_id) for a in (first, second)
    )
    assert _subjects(m365.recruiter) == [
        "Vorstellungsgespräch – Dana Bewerber",  # past: as it was
        "Vorstellungsgespräch – D. B.",
        "Vorstellungsgespräch – D. B.",
    ]
    olaf_copy = events_of(olaf_mailbox(m365, olaf), is_organizer=False)
    assert [e.subject for e in olaf_copy] == [
        "Vorstellungsgespräch – Dana Bewerber",
        "Vorstellungsgespräch – D. B.",
    ]
    assert "Dana" not in events_of(m365.recruiter)[1].body_content


def test_none_shows_title_and_position_without_any_candidate_data(
    m365, rita, alice, carol, application
):
    privacy_settings_set(
        company_id=carol.company_id, by=carol, outlook_candidate_data=OutlookCandidateData.NONE
    )

    plan(application=application, by=alice)

    (event,) = events_of(m365.recruiter)
    assert event.subject == f"Vorstellungsgespräch – {application.position}"
    body = event.body_content
    assert "Dana" not in body and "Bewerber:" not in body
    assert "dana@bewerber.example" not in body and "1234567" not in body


def olaf_mailbox(m365, olaf):
    from m365sim.models import Mailbox

    return Mailbox.objects.get(email=olaf.email)


def test_open_proposal_holds_follow_the_setting_with_one_batch(
    m365, rita, alice, carol, application
):
    from ebms.recruiting.services import proposal_create
    from ebms.recruiting.tests import factories

    start = factories.future(days=3, hour=9)
    proposal_create(
        by=alice, application=application, recruiter=alice, observers=[], kind="phone",
        slots=[(start, start + timedelta(hours=1)), (start + timedelta(days=1),
               start + timedelta(days=1, hours=1))],
        title="Vorstellungsgespräch",
    )  # fmt: skip
    before = len(calls(m365.recruiter))

    privacy_settings_set(
        company_id=carol.company_id, by=carol, outlook_candidate_data=OutlookCandidateData.NONE
    )

    assert [c.path for c in calls(m365.recruiter)[before:]] == ["/v1.0/$batch"]
    holds = events_of(m365.recruiter)
    assert [e.subject for e in holds] == [
        f"Vorschlag: Vorstellungsgespräch – {application.position}"
    ] * 2
    assert all("Dana" not in e.body_content for e in holds)


def test_past_events_follow_only_when_asked(m365, rita, alice, carol, application):
    past = plan(application=application, by=alice, days=1)
    Appointment.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    before = len(calls(m365.recruiter))

    privacy_settings_set(
        company_id=carol.company_id,
        by=carol,
        outlook_candidate_data=OutlookCandidateData.INITIALS,
        include_past=True,
    )

    assert [c.method for c in calls(m365.recruiter)[before:]] == ["PATCH"]
    assert _subjects(m365.recruiter) == ["Vorstellungsgespräch – D. B."]
