"""Settings of every process of a chaos run: the project's settings plus a short sync lease.

The lease is how long a claim of a killed worker blocks its record (production: 300 s). A
run takes a few seconds here (slow faults last 1.5-4 s; a longer one loses its lease, which the
sync is built for: the next run looks an unknown create up first), so a
shorter lease (20 s) only shortens the time until the sweep hands a dead worker's record on.
"""

from __future__ import annotations

from ebms.settings import *  # noqa: F403

CALENDAR_SYNC_LEASE_SECONDS = 20
