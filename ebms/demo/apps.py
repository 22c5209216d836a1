from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo wiring: the seed command, the in-process beat, the guard against demo values in
    production. Knows every app; no app knows it."""

    name = "ebms.demo"
    label = "demo"
    verbose_name = "Demo"

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from ebms.config import production_guard_check
        from ebms.mail import erasure
        from ebms.recruiting import hooks

        from .beat import start

        # The demo's values must never reach production (errors in check --deploy).
        register(production_guard_check, Tags.security, deploy=True)
        hooks.listen(erasure.on_recruiting_event)  # stored mails forget erased candidates
        start()
