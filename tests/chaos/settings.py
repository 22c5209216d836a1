"""Settings of every process of a chaos run: the project's settings plus a short sync lease
and a short delta safety net.

The lease is how long a claim of a killed worker blocks its record (production: 300 s). A
run takes a few seconds here (slow faults last 1.5-4 s; a longer one loses its lease, which the
sync is built for: the next run looks an unknown create up first), so a
shorter lease (20 s) only shortens the time until the sweep hands a dead worker's record on.
"""

from __future__ import annotations

from ebms.settings import *  # noqa: F403

CALENDAR_SYNC_LEASE_SECONDS = 20

# Push on (issue 13): the simulator POSTs change notifications to SITE_URL (the same runserver
# serves EBMS); the delta safety net pulls each mailbox every 15 s instead of hourly, so that
# dropped notifications are caught up within a run (production: 1 h).
M365_NOTIFICATIONS = "on"
M365_SAFETY_NET_SECONDS = 15
