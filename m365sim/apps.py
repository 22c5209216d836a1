from django.apps import AppConfig


class M365SimConfig(AppConfig):
    name = "m365sim"
    verbose_name = "Microsoft 365 simulator"
