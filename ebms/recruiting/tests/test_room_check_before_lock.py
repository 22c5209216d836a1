"""The room check asks Microsoft: an edit that changes the room runs it before the row lock and
transaction, and the concurrent-edit protection still holds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ebms.recruiting import hooks
from ebms.recruiting.services import ChangedMeanwhile, appointment_update
from ebms.recruiting.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)  # in_atomic_block means our transaction

ROOM = "raum.berlin@muster.example"


@pytest.fixture
def room_checks(monkeypatch) -> list[tuple[str, bool]]:
    """(email, inside a transaction?) per room check; only ROOM is a room of the tenant."""
    seen: list[tuple[str, bool]] = []

    def checker(*, company, recruiter, email: str) -> str:
        seen.append((email, connection.in_atomic_block))
        return "" if email == ROOM else "Kein Raum Ihrer Firma."

    monkeypatch.setattr(hooks, "_room_checkers", [])
    hooks.provide_room_check(checker)
    return seen


def test_a_room_change_is_checked_before_the_transaction(alice, application, room_checks):
    appointment = f.appointment(application=application, by=alice)

    changed = appointment_update(
        appointment=appointment, by=alice, read_version=appointment.version, room_email=ROOM
    )

    assert room_checks == [(ROOM, False)]
    assert changed.room_email == ROOM
    assert changed.version == appointment.version + 1


def test_a_refused_room_is_refused_without_a_check_under_the_lock(alice, application, room_checks):
    appointment = f.appointment(application=application, by=alice)

    with pytest.raises(ValidationError) as refused:
        appointment_update(appointment=appointment, by=alice, room_email="bob@muster.example")

    assert refused.value.message_dict["room_email"] == ["Kein Raum Ihrer Firma."]
    assert room_checks == [("bob@muster.example", False)]
    appointment.refresh_from_db()
    assert appointment.room_email == ""


def test_an_older_form_is_still_refused_when_it_changes_the_room(
    alice, carol, application, room_checks
):
    appointment = f.appointment(application=application, by=alice)
    read_version = appointment.version
    appointment_update(appointment=appointment, by=carol, title="Zweitgespräch")

    with pytest.raises(ChangedMeanwhile):
        appointment_update(
            appointment=appointment, by=alice, read_version=read_version, room_email=ROOM
        )

    appointment.refresh_from_db()
    assert appointment.room_email == ""
    assert all(not inside for _email, inside in room_checks)
