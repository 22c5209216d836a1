from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarIntegrationConfig(AppConfig):
    name = "calendar_integration"
    verbose_name = _("Kalender-Integration (Office 365)")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
