"""The week view's time grid: events placed by start and duration, overlaps side by side.

Builds on `selectors.week_of` (top and height in pixels per day); adds the lane of each
event among those it overlaps, and German labels for attendees and answers, as Outlook
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .selectors import Block, Day

ATTENDEE_TYPES = {"required": _("erforderlich"), "optional": _("optional"), "resource": _("Raum")}
RESPONSES = {
    "accepted": _("angenommen"),
    "declined": _("abgelehnt"),
    "tentativelyAccepted": _("mit Vorbehalt"),
    "none": _("keine Antwort"),
    "notResponded": _("keine Antwort"),
    "organizer": _("Organisator"),
}
SHOW_AS = {
    "free": _("frei"),
    "tentative": _("mit Vorbehalt"),
    "busy": _("gebucht"),
    "oof": _("abwesend"),
    "workingElsewhere": _("woanders tätig"),
    "unknown": _("unbekannt"),
}


@dataclass
class Attendee:
    name: str
    address: str
    kind: str
    response: str
    response_key: str
    proposed: str = ""  # proposedNewTime.start, as the attendee sent it (resources/attendee)


@dataclass
class Placed:
    block: Block
    lane: int = 0
    lanes: int = 1
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def event(self):
        return self.block.event

    @property
    def left(self) -> str:
        return f"{self.lane * 100 / self.lanes:.3f}"

    @property
    def width(self) -> str:
        return f"{100 / self.lanes:.3f}"

    @property
    def minutes(self) -> int:
        return int((self.block.end - self.block.start).total_seconds() // 60)

    @property
    def response(self) -> str:
        return str(RESPONSES.get(self.event.response, self.event.response))

    @property
    def show_as(self) -> str:
        return str(SHOW_AS.get(self.event.show_as, self.event.show_as))


def _attendees(raw: list[dict]) -> list[Attendee]:
    found = []
    for item in raw or []:
        email = item.get("emailAddress") or {}
        response = (item.get("status") or {}).get("response") or "none"
        found.append(
            Attendee(
                name=email.get("name") or email.get("address", ""),
                address=email.get("address", ""),
                kind=str(ATTENDEE_TYPES.get(item.get("type", ""), item.get("type", ""))),
                response=str(RESPONSES.get(response, response)),
                response_key=response,
                proposed=str(
                    ((item.get("proposedNewTime") or {}).get("start") or {}).get("dateTime", "")
                )[:16],
            )
        )
    return found


def lanes_assign(blocks: list[Block]) -> list[Placed]:
    """Each block with its lane: overlapping blocks (transitively) share the width of
    their cluster, each in the first lane free at its start."""
    placed: list[Placed] = []
    cluster: list[Placed] = []
    lane_ends: list[int] = []  # bottom (px) of the last block in each lane of the cluster
    cluster_bottom = -1
    for block in sorted(blocks, key=lambda b: (b.top, -b.height)):
        if block.top >= cluster_bottom and cluster:
            for item in cluster:
                item.lanes = len(lane_ends)
            cluster, lane_ends = [], []
        item = Placed(block, attendees=_attendees(block.event.attendees))
        free = next((i for i, end in enumerate(lane_ends) if end <= block.top), None)
        if free is None:
            lane_ends.append(block.top + block.height)
            item.lane = len(lane_ends) - 1
        else:
            lane_ends[free] = block.top + block.height
            item.lane = free
        cluster.append(item)
        placed.append(item)
        cluster_bottom = max(cluster_bottom, block.top + block.height)
    for item in cluster:
        item.lanes = max(len(lane_ends), 1)
    return placed


@dataclass
class GridDay:
    date: object
    events: list[Placed]


def grid_days(days: list[Day]) -> list[GridDay]:
    """The week's days with their events placed in lanes."""
    return [GridDay(day.date, lanes_assign(day.blocks)) for day in days]
