"""`manage.py m365sim_seed [--json]`: the Muster GmbH tenant of the Microsoft 365 simulator."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from m365sim.seed_directory import seed_muster


class Command(BaseCommand):
    help = "Creates the simulator's demo tenant (idempotent). --json prints it as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print the tenant as JSON")

    def handle(self, *args, **options) -> None:
        result = seed_muster()
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"Tenant {result['tenant_domain']} ({result['tenant_id']})")
        for user in result["users"]:
            admin = " (Tenant-Admin)" if user["is_admin"] else ""
            self.stdout.write(f"  {user['upn']:<34} {user['password']}{admin}")
        for room in result["rooms"]:
            self.stdout.write(f"  Raum {room['email']}")
