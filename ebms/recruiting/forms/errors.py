"""Show a service's ValidationError on the form that collected the input."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(
    form: forms.Form, error: ValidationError, *, field_map: Mapping[str, str | None] = ()
) -> None:
    """Attach each message to the form field it concerns.

    Services key errors by model field; `field_map` renames keys whose form field is
    called differently (starts_at -> start_time). Keys without a form field become
    errors of the whole form, so no message is ever lost.
    """
    field_map = dict(field_map)
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = field_map.get(key, key)
        if name == NON_FIELD_ERRORS or name not in form.fields:
            name = None
        for message in messages:
            # add_error removes the field from cleaned_data; harmless after is_valid().
            form.add_error(name, message)
