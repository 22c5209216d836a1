from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo wiring only: the seed command. Knows every app; no app knows it."""

    name = "ebms.demo"
    label = "demo"
    verbose_name = "Demo"

    def ready(self) -> None:
        from .beat import start

        start()
