"""`manage.py seed_demo [--json]`: demo company, users, trial, candidates, appointments
and (simulator mode) the Microsoft 365 tenant of Muster GmbH."""

from __future__ import annotations

import io
import json

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ebms.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Creates the demo data (idempotent). --json prints every login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print logins as JSON")

    def handle(self, *args, **options) -> None:
        result = seed_demo()
        if apps.is_installed("m365sim"):
            out = io.StringIO()
            call_command("m365sim_seed", json=True, stdout=out)
            result["m365"] = json.loads(out.getvalue())
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS("Demo-Daten bereit. Anmeldungen:"))
        for login in result["ebms_users"]:
            self.stdout.write(f"  {login['role']:<18} {login['email']:<34} {login['password']}")
        if "m365" in result:
            self.stdout.write("Microsoft 365 (Simulator):")
            for user in result["m365"]["users"]:
                admin = " (Tenant-Admin)" if user["is_admin"] else ""
                self.stdout.write(f"  {user['upn']:<34} {user['password']}{admin}")
