"""What a Graph handler gets: the request, the caller and the resolved target mailbox."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from m365sim.models import Mailbox

from .core import Caller, GraphRequest
from .errors import GraphError
from .timezones import prefer_timezone, zone_or_400


@dataclass
class Ctx:
    req: GraphRequest
    caller: Caller
    params: dict[str, str]
    target: Mailbox | None = None
    applied_prefs: list[str] = field(default_factory=list)
    fault: Any = None  # the injected fault of this request (faults.Fault), if any

    @property
    def caller_mailbox(self) -> Mailbox:
        return Mailbox.objects.select_related("tenant").get(pk=self.caller.mailbox_id)

    def json_body(self) -> dict:
        """The request body as a JSON object (Graph answers 400 for anything else)."""
        if not self.req.body:
            return {}
        try:
            data = json.loads(self.req.body)
        except (ValueError, UnicodeDecodeError):
            raise GraphError(
                400,
                "BadRequest",
                "Unable to read JSON request payload. Please ensure "
                "Content-Type header is set and payload is of valid JSON format.",
            )
        if not isinstance(data, dict):
            raise GraphError(400, "BadRequest", "Invalid request body.")
        return data

    def immutable_ids(self) -> bool:
        """`Prefer: IdType="ImmutableId"` on this request (it applies per request, never
        inherited, https://learn.microsoft.com/graph/outlook-immutable-id)."""
        prefer = self.req.headers.get("prefer", "")
        wanted = any(
            part.strip().replace(" ", "").lower() == 'idtype="immutableid"'
            for part in prefer.split(",")
        )
        if wanted and 'IdType="ImmutableId"' not in self.applied_prefs:
            self.applied_prefs.append('IdType="ImmutableId"')
        return wanted

    def response_tz(self) -> str:
        """Zone of dateTimes in the answer: `Prefer: outlook.timezone`, else UTC."""
        name = prefer_timezone(self.req.headers.get("prefer", ""))
        if not name:
            return "UTC"
        zone_or_400(name)
        pref = f'outlook.timezone="{name}"'
        if pref not in self.applied_prefs:
            self.applied_prefs.append(pref)
        return name
