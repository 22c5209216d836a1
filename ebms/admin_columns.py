"""German admin column headers for fields whose model has no verbose name (foreign keys such
as `company`, `created_by`): a display function per column, so no migration is needed."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

LABELS = {
    "company": _("Firma"),
    "created_by": _("Angelegt von"),
    "ended_by": _("Beendet von"),
    "user": _("Benutzer"),
    "connection": _("Verbindung"),
    "appointment": _("Termin"),
    "reported_by": _("Gemeldet von"),
    "by": _("Von"),
    "at": _("Zeitpunkt"),
    "action": _("Aktion"),
    "pk": _("Nr."),
}


def column(name: str, label=None) -> Callable:
    """A list_display / readonly_fields entry showing `obj.<name>` under a German header."""

    @admin.display(description=label or LABELS[name], ordering=name)
    def show(obj):
        value = getattr(obj, name)
        display = getattr(obj, f"get_{name}_display", None)  # a choice: its label
        return display() if callable(display) else value

    show.__name__ = f"{name}_column"
    return show


def columns(*names: str) -> list:
    """`names` with every one that has a German label in LABELS replaced by `column(name)`."""
    return [column(name) if name in LABELS else name for name in names]


class CompanyFilter(admin.RelatedFieldListFilter):
    """The company filter, titled "Firma"."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("Firma")
