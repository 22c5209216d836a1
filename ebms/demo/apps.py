from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo wiring only: the seed command. Knows every app; no app knows it."""

    name = "ebms.demo"
    label = "demo"
    verbose_name = "Demo"

    def ready(self) -> None:
        from ebms.mail import erasure
        from ebms.recruiting import hooks

        from .beat import start

        hooks.listen(erasure.on_recruiting_event)  # stored mails forget erased candidates
        start()
