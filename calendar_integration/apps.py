from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarIntegrationConfig(AppConfig):
    name = "calendar_integration"
    verbose_name = _("Kalender-Integration (Office 365)")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .availability import wiring as availability_wiring
        from .signals import user_saved
        from .sync import wiring as sync_wiring

        post_save.connect(user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="ci-user-saved")
        sync_wiring.connect()
        availability_wiring.connect()
