"""The OData query options the simulator understands: $select, $top, $skip, $filter (a
subset), $expand of singleValueExtendedProperties, and paging with @odata.nextLink.

https://learn.microsoft.com/graph/query-parameters, https://learn.microsoft.com/graph/paging,
https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from .core import GRAPH_ROOT, GraphRequest
from .errors import GraphError

_ALWAYS = ("@odata.context", "@odata.etag", "id", "@odata.type")


def apply_select(item: dict, query: dict) -> dict:
    """Keep only $select'ed properties (plus id and OData annotations)."""
    raw = query.get("$select", "")
    if not raw:
        return item
    wanted = {p.strip().lower() for p in raw.split(",") if p.strip()}
    wanted.add("singlevalueextendedproperties")  # $expand'ed data stays
    return {k: v for k, v in item.items() if k in _ALWAYS or k.split("@")[0].lower() in wanted}


def page_size(req: GraphRequest, *, default: int, maximum: int = 1000) -> int:
    raw = req.query.get("$top")
    if raw is None:
        prefer = req.headers.get("prefer", "")
        match = re.search(r"odata\.maxpagesize=(\d+)", prefer)
        return min(int(match.group(1)), maximum) if match else default
    try:
        top = int(raw)
    except ValueError:
        raise GraphError(400, "BadRequest", f"Invalid $top value '{raw}'.")
    if top < 0:
        raise GraphError(400, "BadRequest", f"Invalid $top value '{raw}'.")
    return min(top, maximum)


def skip(req: GraphRequest) -> int:
    raw = req.query.get("$skip", "0")
    try:
        return max(int(raw), 0)
    except ValueError:
        raise GraphError(400, "BadRequest", f"Invalid $skip value '{raw}'.")


def next_link(req: GraphRequest, *, new_skip: int) -> str:
    query = dict(req.query)
    query["$skip"] = str(new_skip)
    return f"{GRAPH_ROOT}/{req.path}?" + urlencode(query, safe="$,'()/:")


_EP_FILTER = re.compile(
    r"^singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'(?P<id>[^']*)'"
    r"(?:\s+and\s+\1/value\s+eq\s+'(?P<value>(?:[^']|'')*)')?\s*\)$",
    re.IGNORECASE,
)
_EQ_FILTER = re.compile(r"^(?P<prop>\w+)\s+eq\s+'(?P<value>(?:[^']|'')*)'$", re.IGNORECASE)


def parse_event_filter(raw: str):
    """A predicate on Event for the supported $filter shapes, else 400."""
    text = (raw or "").strip()
    if not text:
        return None
    match = _EP_FILTER.match(text)
    if match:
        prop_id = match.group("id").lower()
        value = match.group("value")
        value = value.replace("''", "'") if value is not None else None

        def has_property(event) -> bool:
            for prop in event.extended_properties:
                if str(prop.get("id", "")).lower() == prop_id and (
                    value is None or prop.get("value") == value
                ):
                    return True
            return False

        return has_property
    match = _EQ_FILTER.match(text)
    if match:
        fields = {"icaluid": "ical_uid", "subject": "subject", "transactionid": "transaction_id"}
        field = fields.get(match.group("prop").lower())
        if field:
            value = match.group("value").replace("''", "'")
            return lambda event: getattr(event, field) == value
    raise GraphError(
        400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes."
    )


_EXPAND = re.compile(
    r"singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*id\s+eq\s+'(?P<id>[^']*)'\s*\))?",
    re.IGNORECASE,
)


def expanded_property_ids(query: dict) -> list[str] | None:
    """Ids of singleValueExtendedProperties to include; [] = all, None = not expanded."""
    raw = query.get("$expand", "")
    if not raw:
        return None
    match = _EXPAND.search(raw)
    if not match:
        return None
    return [match.group("id")] if match.group("id") else []
