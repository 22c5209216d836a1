"""Bad input: a message at the right field and nothing saved (appointments and proposals)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from ebms.recruiting import hooks
from ebms.recruiting.models import (
    JOIN_INFO_PLACEHOLDER,
    Appointment,
    AppointmentChange,
    CandidateEmail,
    Proposal,
    ProposalSlot,
)
from ebms.recruiting.services import (
    appointment_create,
    appointment_update,
    proposal_create,
    validate_appointment,
)
from ebms.recruiting.tests import factories as f
from ebms.recruiting.tests import hooks_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def create(w, **overrides):
    start = f.future()
    values = {
        "by": w.alice,
        "application": w.application,
        "recruiter": w.alice,
        "observers": [w.bob],
        "kind": "onsite",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "location": "Hauptstraße 1",
        "title": "Gespräch",
    }
    values.update(overrides)
    return appointment_create(**values)


def assert_refused(call, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert caught.value.message_dict[field]
    assert not Appointment.objects.exists()
    assert not AppointmentChange.objects.exists()
    assert not CandidateEmail.objects.exists()
    assert not Proposal.objects.exists()
    assert not ProposalSlot.objects.exists()
    return caught.value


def test_it_accepts_a_valid_appointment(w):
    appointment = create(w)
    assert appointment.pk and appointment.version == 1 and appointment.sequence == 0


def test_it_refuses_an_end_before_the_start(w):
    start = f.future()
    error = assert_refused(
        lambda: create(w, starts_at=start, ends_at=start - timedelta(minutes=30)), "ends_at"
    )
    assert "Das Ende muss nach dem Beginn liegen." in error.message_dict["ends_at"]


def test_it_refuses_a_zero_duration(w):
    start = f.future()
    assert_refused(lambda: create(w, starts_at=start, ends_at=start), "ends_at")


def test_it_refuses_more_than_ten_hours_but_accepts_exactly_ten(w):
    start = f.future(hour=7)
    error = assert_refused(
        lambda: create(w, starts_at=start, ends_at=start + timedelta(hours=10, minutes=1)),
        "ends_at",
    )
    assert "höchstens 10 Stunden" in error.message_dict["ends_at"][0]
    assert create(w, starts_at=start, ends_at=start + timedelta(hours=10)).pk


def test_it_refuses_an_appointment_in_the_past(w):
    start = timezone.now() - timedelta(hours=2)
    assert_refused(
        lambda: create(w, starts_at=start, ends_at=start + timedelta(hours=1)), "starts_at"
    )


def test_it_refuses_naive_times(w):
    start = f.future().replace(tzinfo=None)
    assert_refused(
        lambda: create(w, starts_at=start, ends_at=start + timedelta(hours=1)), "starts_at"
    )


def test_it_refuses_observers_of_another_company(w):
    other = f.world(name="Andere AG")
    assert_refused(lambda: create(w, observers=[w.bob, other.bob]), "observers")


def test_it_refuses_a_deactivated_observer(w):
    gone = f.bob(company=w.company, is_active=False)
    assert_refused(lambda: create(w, observers=[gone]), "observers")


def test_it_refuses_an_observer_as_organizer(w):
    assert_refused(lambda: create(w, recruiter=w.bob), "recruiter")


def test_it_refuses_an_organizer_of_another_company(w):
    other = f.world(name="Andere AG")
    assert_refused(lambda: create(w, recruiter=other.alice), "recruiter")


def test_it_drops_the_organizer_from_the_observers(w):
    appointment = create(w, observers=[w.alice, w.bob, w.bob])
    assert list(appointment.observers.all()) == [w.bob]


def test_it_requires_a_location_on_site(w):
    assert_refused(lambda: create(w, location="  "), "location")


def test_it_requires_a_title(w):
    assert_refused(lambda: create(w, title=""), "title")


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("title", 201),
        ("location", 301),
        ("internal_description", 5001),
        ("candidate_message", 5001),
        ("room_name", 201),
    ],
)
def test_it_refuses_over_long_texts(w, field, length):
    error = assert_refused(lambda: create(w, **{field: "x" * length}), field)
    assert str(length) in error.message_dict[field][0]


def test_it_accepts_texts_at_their_maximum(w):
    appointment = create(w, title="t" * 200, internal_description="i" * 5000)
    assert len(appointment.internal_description) == 5000


def test_it_refuses_an_invalid_room_email(w):
    assert_refused(lambda: create(w, room_email="raum at firma"), "room_email")


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://meet.example/x", "kein link"])
def test_it_refuses_an_invalid_meeting_link(w, link):
    message = f"Hallo {JOIN_INFO_PLACEHOLDER}"
    assert_refused(
        lambda: create(w, kind="online", location="", meeting_link=link, candidate_message=message),
        "meeting_link",
    )


def test_it_refuses_an_unknown_kind(w):
    assert_refused(lambda: create(w, kind="video"), "kind")


def test_an_online_appointment_must_keep_the_placeholder(w):
    error = assert_refused(
        lambda: create(
            w, kind="online", meeting_link="https://meet.example/abc", candidate_message="Hallo"
        ),
        "candidate_message",
    )
    assert JOIN_INFO_PLACEHOLDER in error.message_dict["candidate_message"][0]


def test_an_online_appointment_without_integration_needs_a_typed_link(w):
    assert_refused(
        lambda: create(w, kind="online", candidate_message=f"Hallo {JOIN_INFO_PLACEHOLDER}"),
        "meeting_link",
    )


def test_an_online_appointment_with_integration_needs_no_typed_link(w):
    provider = hooks.provide_join_info(lambda appointment: True)
    try:
        appointment = create(w, kind="online", candidate_message=f"Hallo {JOIN_INFO_PLACEHOLDER}")
    finally:
        hooks_registry.stop_providing_join_info(provider)
    assert appointment.location == ""  # online appointments have no place


def test_it_collects_every_error_at_once(w):
    start = f.future()
    with pytest.raises(ValidationError) as caught:
        create(w, starts_at=start, ends_at=start, title="", location="")
    assert {"ends_at", "title", "location"} <= set(caught.value.message_dict)


def test_validation_is_callable_without_saving(w):
    start = f.future()
    with pytest.raises(ValidationError) as caught:
        validate_appointment(
            company=w.company,
            recruiter=w.alice,
            observers=[],
            kind="phone",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    assert "ends_at" in caught.value.message_dict


def test_an_observer_may_not_plan(w):
    with pytest.raises(PermissionDenied):
        create(w, by=w.bob)
    assert not Appointment.objects.exists()


def test_a_user_of_another_company_may_not_plan(w):
    other = f.world(name="Andere AG")
    with pytest.raises(PermissionDenied):
        create(w, by=other.alice)
    with pytest.raises(PermissionDenied):
        create(w, by=other.carol)
    assert not Appointment.objects.exists()


def test_a_company_admin_may_plan(w):
    assert create(w, by=w.carol, recruiter=w.carol).recruiter == w.carol


def test_an_update_keeps_its_data_on_bad_input(w):
    appointment = create(w)
    with pytest.raises(ValidationError) as caught:
        appointment_update(
            appointment=appointment, by=w.alice, ends_at=appointment.starts_at, title="Neu"
        )
    assert "ends_at" in caught.value.message_dict
    appointment.refresh_from_db()
    assert appointment.title == "Gespräch" and appointment.version == 1
    assert appointment.changes.count() == 1  # only "created"


def test_an_update_into_the_past_is_refused(w):
    appointment = create(w)
    past = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        appointment_update(
            appointment=appointment, by=w.alice, starts_at=past, ends_at=past + timedelta(hours=1)
        )
    assert "starts_at" in caught.value.message_dict


def test_an_update_rejects_unknown_fields(w):
    appointment = create(w)
    with pytest.raises(TypeError):
        appointment_update(appointment=appointment, by=w.alice, application=w.application)


# --- proposals ------------------------------------------------------------------------------


def propose(w, **overrides):
    day = f.future(days=5)
    values = {
        "by": w.alice,
        "application": w.application,
        "recruiter": w.alice,
        "observers": [w.bob],
        "kind": "phone",
        "slots": [
            (day, day + timedelta(hours=1)),
            (day + timedelta(days=1), day + timedelta(days=1, hours=1)),
        ],
        "title": "Telefoninterview",
    }
    values.update(overrides)
    return proposal_create(**values)


def test_it_accepts_a_valid_proposal(w):
    proposal = propose(w)
    assert proposal.slots.count() == 2


@pytest.mark.parametrize("count", [0, 1, 6])
def test_a_proposal_needs_two_to_five_slots(w, count):
    day = f.future(days=3)
    slots = [(day + timedelta(hours=i * 2), day + timedelta(hours=i * 2 + 1)) for i in range(count)]
    assert_refused(lambda: propose(w, slots=slots), "slots")


def test_a_proposal_refuses_duplicate_slots(w):
    day = f.future(days=3)
    slot = (day, day + timedelta(hours=1))
    error = assert_refused(lambda: propose(w, slots=[slot, slot]), "slots")
    assert "identisch" in error.message_dict["slots"][0]


def test_a_proposal_refuses_overlapping_slots(w):
    day = f.future(days=3)
    slots = [
        (day, day + timedelta(hours=1)),
        (day + timedelta(minutes=30), day + timedelta(hours=2)),
    ]
    error = assert_refused(lambda: propose(w, slots=slots), "slots")
    assert "überschneiden" in error.message_dict["slots"][0]


def test_a_proposal_accepts_back_to_back_slots(w):
    day = f.future(days=3)
    slots = [(day, day + timedelta(hours=1)), (day + timedelta(hours=1), day + timedelta(hours=2))]
    assert propose(w, slots=slots).slots.count() == 2


def test_a_proposal_refuses_past_or_invalid_slots_and_names_them(w):
    day = f.future(days=3)
    past = timezone.now() - timedelta(days=1)
    slots = [
        (day, day + timedelta(hours=1)),
        (past, past + timedelta(hours=1)),
        (day, day - timedelta(hours=1)),
    ]
    error = assert_refused(lambda: propose(w, slots=slots), "slots")
    text = " ".join(error.message_dict["slots"])
    assert "Vorschlag 2" in text and "Vorschlag 3" in text and "Vorschlag 1" not in text


def test_a_proposal_needs_a_candidate_email(w):
    w.candidate.email = ""
    w.candidate.save()
    error = assert_refused(lambda: propose(w), NON_FIELD_ERRORS)
    assert "E-Mail" in error.message_dict[NON_FIELD_ERRORS][0]


def test_a_proposal_refuses_an_invalid_candidate_email(w):
    w.candidate.email = "dana@"
    w.candidate.save()
    assert_refused(lambda: propose(w), NON_FIELD_ERRORS)


def test_a_proposal_checks_the_appointment_rules_too(w):
    other = f.world(name="Andere AG")
    assert_refused(lambda: propose(w, observers=[other.bob]), "observers")
    assert_refused(lambda: propose(w, title="x" * 201), "title")
    assert_refused(lambda: propose(w, kind="onsite", location=""), "location")


def test_an_observer_may_not_send_proposals(w):
    with pytest.raises(PermissionDenied):
        propose(w, by=w.bob)
    assert not Proposal.objects.exists()
