from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarIntegrationConfig(AppConfig):
    name = "calendar_integration"
    verbose_name = _("Kalender-Integration (Office 365)")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .availability import wiring as availability_wiring
        from .sync import wiring as sync_wiring

        sync_wiring.connect()
        availability_wiring.connect()
