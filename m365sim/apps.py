from django.apps import AppConfig


class M365SimConfig(AppConfig):
    name = "m365sim"
    verbose_name = "Microsoft 365 simulator"

    def ready(self) -> None:
        from m365sim.graph import changes  # noqa: F401  (signal receivers)
