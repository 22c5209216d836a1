"""Re-encrypt every stored token cache and pending flow under the newest TOKEN_ENCRYPTION_KEYS key."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from calendar_integration.connection.services import token_keys_rotate


class Command(BaseCommand):
    help = "Verschlüsselt alle Microsoft-Tokens mit dem neuesten Schlüssel neu."

    def handle(self, *args: object, **options: object) -> None:
        result = token_keys_rotate()
        self.stdout.write(
            f"{result.rotated} neu verschlüsselt, {result.failed} nicht lesbar "
            "(Schlüssel fehlt: Verbindung muss erneut verbunden werden)."
        )
