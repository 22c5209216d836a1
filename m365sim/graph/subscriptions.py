"""Change-notification subscriptions on a mailbox's events (delegated).

- POST /subscriptions: api-reference/v1.0/api/subscription-post-subscriptions.md
- GET /subscriptions, GET /subscriptions/{id}: subscription-list.md, subscription-get.md
- PATCH /subscriptions/{id}: subscription-update.md (expirationDateTime, notificationUrl)
- DELETE /subscriptions/{id}: subscription-delete.md (204)
- POST /subscriptions/{id}/reauthorize: subscription-reauthorize.md (204)
Properties: resources/subscription.md. Validation handshake and lifetimes:
concepts/change-notifications-delivery-webhooks.md (10 seconds, text/plain echo, else 400);
Outlook event subscriptions live at most 10,080 minutes; at least 45 minutes.
"""

from __future__ import annotations

import ipaddress
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime

from m365sim import clock
from m365sim.models import Subscription

from .context import Ctx
from .core import GRAPH_ROOT, GraphResponse
from .errors import GraphError
from .serializers import graph_timestamp

MAX_MINUTES = 10080  # Outlook event, message, contact (without resource data)
MIN_MINUTES = 45
MAX_PER_MAILBOX = 1000  # active Outlook subscriptions per mailbox, all apps
VALIDATION_TIMEOUT = 10.0
CHANGE_TYPES = ("created", "updated", "deleted")
SUBSCRIBE_SCOPES = ("Calendars.Read", "Calendars.ReadWrite")


def _json(sub: Subscription) -> dict:
    """resources/subscription.md, as Graph answers for an Outlook event subscription."""
    return {
        "id": str(sub.id),
        "resource": sub.resource,
        "applicationId": sub.application_id,
        "changeType": sub.change_type,
        "clientState": sub.client_state or None,
        "notificationUrl": sub.notification_url,
        "notificationQueryOptions": None,
        "lifecycleNotificationUrl": sub.lifecycle_url or None,
        "expirationDateTime": graph_timestamp(sub.expires_at),
        "creatorId": str(sub.mailbox.object_id),
        "includeResourceData": None,
        "latestSupportedTlsVersion": sub.latest_tls,
        "encryptionCertificate": None,
        "encryptionCertificateId": None,
        "notificationUrlAppId": None,
    }


def _entity(sub: Subscription, status: int = 200) -> GraphResponse:
    body = {"@odata.context": f"{GRAPH_ROOT}/$metadata#subscriptions/$entity", **_json(sub)}
    return GraphResponse(status, body)


def _bad(message: str, code: str = "InvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def _require(ctx: Ctx) -> None:
    if not ctx.caller.has_any(SUBSCRIBE_SCOPES):
        raise GraphError(
            403,
            "ExtensionError",
            "Operation: Create; Exception: [Status Code: Forbidden; Reason: "
            "The caller does not have the permission Calendars.Read.]",
        )


def _check_resource(ctx: Ctx, raw: str) -> str:
    parts = raw.strip().strip("/").split("/")
    if len(parts) == 2 and parts[0].lower() == "me" and parts[1].lower() == "events":
        return raw
    if len(parts) == 3 and parts[0].lower() == "users" and parts[2].lower() == "events":
        me = ctx.caller_mailbox
        if parts[1].lower() in (me.email.lower(), str(me.object_id).lower()):
            return raw
        # Delegated: only the signed-in user's mailbox (graph-facts §9.2).
        raise GraphError(
            403,
            "ExtensionError",
            "Operation: Create; Exception: [Status Code: Forbidden; "
            "Reason: Access is denied. Check credentials and try again.]",
        )
    raise _bad(f"The resource '{raw}' is not supported by this simulator (me/events only).")


def _check_url(url: str, field: str) -> str:
    """https, as Microsoft requires; the simulator also accepts http to a loopback address
    or to the demo's own host (docs/m365sim-graph.md, known differences)."""
    parts = urlsplit(url or "")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _local_host(parts.hostname):
        return url
    raise _bad(f"The {field} must be an absolute https URL.", code="ValidationError")


def _local_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    site = urlsplit(getattr(settings, "SITE_URL", "") or "").hostname or ""
    return bool(site) and host.lower() == site.lower()


def _expiry(raw, *, now: datetime) -> datetime:
    value = parse_datetime(str(raw or ""))
    if value is None:
        raise _bad("expirationDateTime is required and must be an ISO 8601 date and time.")
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if value <= now:
        raise _bad("Subscription expiration must be in the future.", code="ExtensionError")
    if value > now + timedelta(minutes=MAX_MINUTES):
        raise _bad(
            f"Subscription expiration can only be {MAX_MINUTES} minutes in the future.",
            code="ExtensionError",
        )
    return max(value, now + timedelta(minutes=MIN_MINUTES))


def validate_endpoint(url: str) -> None:
    """The handshake: POST url?validationToken=...; 200 text/plain echo within 10 s."""
    token = (
        f"Validation: Testing client application reachability for subscription "
        f"Request-Id: {uuid.uuid4()}"
    )
    sep = "&" if "?" in url else "?"
    failed = "Subscription validation request failed. "
    try:
        answer = requests.post(
            f"{url}{sep}validationToken={quote(token)}",
            headers={"Content-Type": "text/plain; charset=utf-8"},
            timeout=VALIDATION_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException:
        raise _bad(
            failed + "Notification endpoint must respond with 200 OK to validation request.",
            code="ValidationError",
        )
    if answer.status_code != 200:
        raise _bad(
            failed + "Notification endpoint must respond with 200 OK to validation request.",
            code="ValidationError",
        )
    content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "text/plain" or answer.text != token:
        raise _bad(
            failed + "Response must exactly match validationToken query parameter.",
            code="ValidationError",
        )


def _own(ctx: Ctx) -> Subscription:
    try:
        sub_id = uuid.UUID(ctx.params["sub_id"])
    except ValueError:
        sub_id = None
    sub = (
        Subscription.objects.select_related("mailbox")
        .filter(pk=sub_id, mailbox_id=ctx.caller.mailbox_id, application_id=ctx.caller.app_id)
        .first()
        if sub_id
        else None
    )
    if sub is None or sub.expires_at <= clock.now():
        raise GraphError(404, "ResourceNotFound", "The object was not found.")
    return sub


def subscription_create(ctx: Ctx) -> GraphResponse:
    _require(ctx)
    data = ctx.json_body()
    now = clock.now()
    for field in ("changeType", "notificationUrl", "resource", "expirationDateTime"):
        if not data.get(field):
            raise _bad(f"The property '{field}' is required.")
    resource = _check_resource(ctx, str(data["resource"]))
    kinds = [c.strip() for c in str(data["changeType"]).split(",")]
    if not kinds or any(k not in CHANGE_TYPES for k in kinds):
        raise _bad(f"Invalid changeType '{data['changeType']}'.")
    client_state = data.get("clientState") or ""
    if len(str(client_state)) > 128:
        raise _bad("clientState must not exceed 128 characters.")
    expires = _expiry(data["expirationDateTime"], now=now)
    url = _check_url(str(data["notificationUrl"]), "notificationUrl")
    lifecycle = data.get("lifecycleNotificationUrl") or ""
    if lifecycle:
        lifecycle = _check_url(str(lifecycle), "lifecycleNotificationUrl")
    mailbox = ctx.caller_mailbox
    if Subscription.objects.filter(mailbox=mailbox, expires_at__gt=now).count() >= MAX_PER_MAILBOX:
        raise GraphError(
            403,
            "ExtensionError",
            "Operation: Create; Exception: [Status Code: Forbidden; Reason: The maximum "
            f"number of {MAX_PER_MAILBOX} subscriptions has been reached for this mailbox.]",
        )
    validate_endpoint(url)
    if lifecycle:
        validate_endpoint(lifecycle)
    sub = Subscription.objects.create(
        id=uuid.uuid4(),
        mailbox=mailbox,
        application_id=ctx.caller.app_id,
        resource=resource,
        change_type=",".join(kinds),
        notification_url=url,
        lifecycle_url=lifecycle,
        client_state=str(client_state),
        expires_at=expires,
        created_at=now,
        latest_tls=str(data.get("latestSupportedTlsVersion") or "v1_2"),
        immutable_ids=ctx.immutable_ids(),
    )
    return _entity(sub, status=201)


def subscription_list(ctx: Ctx) -> GraphResponse:
    subs = Subscription.objects.select_related("mailbox").filter(
        mailbox_id=ctx.caller.mailbox_id,
        application_id=ctx.caller.app_id,
        expires_at__gt=clock.now(),
    )
    return GraphResponse(
        200,
        {
            "@odata.context": f"{GRAPH_ROOT}/$metadata#subscriptions",
            "value": [_json(s) for s in subs],
        },
    )


def subscription_get(ctx: Ctx) -> GraphResponse:
    return _entity(_own(ctx))


def subscription_patch(ctx: Ctx) -> GraphResponse:
    sub = _own(ctx)
    data = ctx.json_body()
    if "lifecycleNotificationUrl" in data:
        # It can only be set at creation (concepts/change-notifications-lifecycle-events.md).
        raise _bad("lifecycleNotificationUrl can only be set when creating the subscription.")
    if "expirationDateTime" in data:
        sub.expires_at = _expiry(data["expirationDateTime"], now=clock.now())
    if data.get("notificationUrl") and data["notificationUrl"] != sub.notification_url:
        sub.notification_url = _check_url(str(data["notificationUrl"]), "notificationUrl")
        validate_endpoint(sub.notification_url)
    sub.reauthorization_required = False
    sub.save()
    return _entity(sub)


def subscription_delete(ctx: Ctx) -> GraphResponse:
    _own(ctx).delete()
    return GraphResponse(204)


def subscription_reauthorize(ctx: Ctx) -> GraphResponse:
    sub = _own(ctx)
    _require(ctx)
    Subscription.objects.filter(pk=sub.pk).update(reauthorization_required=False)
    return GraphResponse(204)
