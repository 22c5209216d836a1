"""POST /$batch: JSON batching (https://learn.microsoft.com/graph/json-batching).

At most 20 requests; `url` relative to /v1.0; `dependsOn` orders them and a request whose
dependency failed gets 424 Failed Dependency. Each sub-request takes the same path as a
direct call (auth, faults, per-mailbox concurrency, request log); a throttled item carries
its own Retry-After. The batch itself answers 200 whenever it parses.
Differences: items run one after the other (Graph runs up to 4 in parallel).
"""

from __future__ import annotations

import json

from .context import Ctx
from .core import GraphRequest, GraphResponse, Headers
from .errors import GraphError

MAX_REQUESTS = 20


def _invalid(message: str) -> GraphError:
    return GraphError(400, "BadRequest", message)


def _validate(requests: list) -> dict[str, dict]:
    if len(requests) > MAX_REQUESTS:
        raise _invalid(f"Number of batch requests exceeds the limit of {MAX_REQUESTS}.")
    by_id: dict[str, dict] = {}
    for item in requests:
        if not isinstance(item, dict):
            raise _invalid("Invalid batch payload format.")
        low = {k.lower(): v for k, v in item.items()}
        for key in ("id", "method", "url"):
            if not low.get(key):
                raise _invalid(f"Batch request is missing the required property '{key}'.")
        rid = str(low["id"])
        if rid in by_id:
            raise _invalid(f"Batch request id '{rid}' is duplicated.")
        headers = Headers(low.get("headers") or {})
        if low.get("body") is not None and not headers.get("content-type"):
            raise _invalid(
                f"Write request id : {rid} does not contain Content-Type header or body."
            )
        depends = low.get("dependson") or []
        if not isinstance(depends, list):
            raise _invalid("dependsOn must be an array of request ids.")
        by_id[rid] = {
            "id": rid,
            "method": str(low["method"]).upper(),
            "url": str(low["url"]),
            "headers": headers,
            "body": low.get("body"),
            "dependsOn": [str(d) for d in depends],
        }
    for item in by_id.values():
        for dep in item["dependsOn"]:
            if dep not in by_id or dep == item["id"]:
                raise _invalid(f"Request '{item['id']}' depends on unknown request '{dep}'.")
    return by_id


def _order(by_id: dict[str, dict]) -> list[dict]:
    done: list[dict] = []
    seen: set[str] = set()
    pending = list(by_id.values())
    while pending:
        ready = next((i for i in pending if all(d in seen for d in i["dependsOn"])), None)
        if ready is None:
            raise _invalid("The dependsOn chain of the batch contains a cycle.")
        pending.remove(ready)
        seen.add(ready["id"])
        done.append(ready)
    return done


def batch(ctx: Ctx) -> GraphResponse:
    from .frontdoor import handle  # the front door imports the router, which names us

    body = ctx.json_body()
    requests = {k.lower(): v for k, v in body.items()}.get("requests")
    if not isinstance(requests, list):
        raise _invalid("Invalid batch payload format.")
    items = _order(_validate(requests))
    status_by_id: dict[str, int] = {}
    responses = []
    for item in items:
        if any(status_by_id[d] >= 400 for d in item["dependsOn"]):
            status_by_id[item["id"]] = 424
            responses.append(
                {
                    "id": item["id"],
                    "status": 424,
                    "headers": {"Cache-Control": "no-cache", "Content-Type": "application/json"},
                    "body": {
                        "error": {
                            "code": "FailedDependency",
                            "message": "The request could not be executed because a request it "
                            "depends on failed.",
                        }
                    },
                }
            )
            continue
        headers = Headers(item["headers"])
        # Only the bearer token and client-request-id carry over; each item sends its own
        # Prefer (json-batching: headers are per request; outlook-immutable-id: the header
        # applies only to the request it is included with).
        for inherited in ("authorization", "client-request-id"):
            if ctx.req.headers.get(inherited) and not headers.get(inherited):
                headers[inherited] = ctx.req.headers.get(inherited)
        raw = json.dumps(item["body"]).encode() if item["body"] is not None else b""
        sub = GraphRequest.from_relative_url(
            method=item["method"],
            url=item["url"],
            headers=headers,
            body=raw,
            in_batch=True,
            batch_request_id=ctx.req.request_id,
        )
        resp = handle(sub)
        status_by_id[item["id"]] = resp.status
        # json-batching.md: every documented sub-response carries Cache-Control: no-cache.
        entry = {"id": item["id"], "status": resp.status, "headers": {"Cache-Control": "no-cache"}}
        for key, value in resp.headers.items():
            if key.lower() in ("retry-after", "location", "preference-applied"):
                entry["headers"][key] = value
        if resp.body is not None:
            entry["headers"]["Content-Type"] = "application/json"
            entry["body"] = resp.body
        responses.append(entry)
    return GraphResponse(200, {"responses": responses})
