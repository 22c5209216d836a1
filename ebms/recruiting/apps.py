from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitingConfig(AppConfig):
    name = "ebms.recruiting"
    label = "recruiting"
    verbose_name = _("Recruiting")

    def ready(self) -> None:
        # Registers the Celery tasks in every process (web too): emails.py sends them by name.
        from . import tasks  # noqa: F401
