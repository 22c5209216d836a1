"""The one path every Graph call takes: auth, target mailbox, faults, throttling, log.

Used by the HTTP view and by $batch for each sub-request.
"""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack

from django.db.models import Q
from django.utils import timezone

from m365sim import clock
from m365sim.models import Mailbox

from . import faults, later, log, throttle
from .auth import authenticate
from .context import Ctx
from .core import Caller, GraphRequest, GraphResponse
from .errors import GraphError, error_body
from .router import Route, resolve


class DropConnection(Exception):
    """Close the client's connection without any answer (fault kind "drop")."""


def _target(route: Route, params: dict, caller: Caller) -> Mailbox | None:
    """The mailbox a /me or /users/{id|upn} path addresses (404/403 as Graph answers)."""
    if not route.user_route:
        return None
    ident = params.get("user")
    qs = Mailbox.objects.select_related("tenant").filter(tenant_id=caller.tenant_id)
    if ident is None or ident.lower() in (caller.upn.lower(),):
        return qs.get(pk=caller.mailbox_id)
    try:
        match = Q(object_id=uuid.UUID(ident))
    except ValueError:
        match = Q(email__iexact=ident)
    mailbox = qs.filter(match).first()
    if mailbox is None:
        if route.calendar:
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{ident}' is invalid.")
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{ident}' does not exist or one of its queried reference-property "
            "objects are not present.",
        )
    return mailbox


def _mailbox_checks(route: Route, ctx: Ctx) -> None:
    target = ctx.target
    if target is None or not route.calendar:
        return
    if not target.mailbox_enabled:
        raise GraphError(
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        )
    if target.pk != ctx.caller.mailbox_id:
        # Delegated tokens reach only the signed-in user's own calendar unless it is shared
        # (github.com/microsoftgraph/microsoft-graph-docs/issues/12822).
        raise GraphError(
            403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )


def handle(req: GraphRequest) -> GraphResponse:
    """Answer one Graph request (never raises, except DropConnection).

    Microsoft counts a request against the mailbox's concurrency limit from its arrival to
    its answer, so the slot is taken as soon as the mailbox is known and held until the
    answer is logged: faulted answers and slow answers occupy it too.
    """
    started = time.monotonic()
    request_id = str(uuid.uuid4())
    req.request_id = request_id
    client_request_id = req.headers.get("client-request-id") or request_id
    mailbox_label = ""
    fault_kind = ""
    ctx: Ctx | None = None
    with ExitStack() as held:
        try:
            try:
                caller = authenticate(req.headers)
                mailbox_label = caller.upn
                route, handler, params = resolve(req.method, req.path)
                ctx = Ctx(req=req, caller=caller, params=params)
                ctx.target = _target(route, params, caller)
                if ctx.target is not None:
                    mailbox_label = ctx.target.email
                if route.throttled and mailbox_label:
                    held.enter_context(throttle.slot(mailbox_label))
                later.apply_due()  # answers and join URLs that came in meanwhile
                _mailbox_checks(route, ctx)
                fault = faults.pick(mailbox=mailbox_label, method=req.method, path=req.display_path)
                fault_kind = fault.kind if fault else ""
                ctx.fault = fault
                resp = _run(handler, ctx, fault)
            except GraphError as exc:
                resp = GraphResponse(
                    status=exc.status,
                    body=error_body(
                        code=exc.code,
                        message=exc.message,
                        request_id=request_id,
                        client_request_id=client_request_id,
                        inner=exc.inner,
                    ),
                    headers=dict(exc.headers),
                    error_code=exc.code,
                )
        except DropConnection:
            _log(req, mailbox_label, 0, started, request_id, client_request_id, "", "drop")
            raise
        resp.headers.update({"request-id": request_id, "client-request-id": client_request_id})
        if ctx is not None and ctx.applied_prefs and resp.status < 400:
            resp.headers["Preference-Applied"] = ", ".join(ctx.applied_prefs)
        _log(
            req,
            mailbox_label,
            resp.status,
            started,
            request_id,
            client_request_id,
            resp.error_code,
            fault_kind,
        )
        return resp


def _run(handler, ctx: Ctx, fault) -> GraphResponse:
    if fault is not None:
        if fault.kind == "drop":
            raise DropConnection()
        if fault.kind == "throttle":
            raise GraphError(
                429,
                "TooManyRequests",
                "Please retry again later.",
                headers={"Retry-After": _retry_after(fault.retry_after)},
                # concepts/throttling.md "Sample response": innerError code/message/status.
                inner={"code": "429", "message": "Please retry after", "status": "429"},
            )
        if fault.kind == "unavailable":
            raise GraphError(
                503,
                "serviceNotAvailable",  # concepts/errors.md code table
                "Service Unavailable",
                headers={"Retry-After": _retry_after(fault.retry_after)},
            )
        if fault.kind == "conflict":
            # concepts/errors.md code table: 409 nameAlreadyExists.
            raise GraphError(409, "nameAlreadyExists", "The specified item name already exists.")
        if fault.kind == "gateway_timeout":
            raise GraphError(
                504, "GatewayTimeout", "The gateway did not receive a response in time."
            )
        if fault.kind == "slow":
            time.sleep(fault.delay_ms / 1000)
    resp = handler(ctx)
    if fault is not None and fault.kind == "applied_then_failed":
        # The write happened; the client still sees a failure (ambiguous outcome).
        status = fault.status
        code = {500: "UnknownError", 503: "serviceNotAvailable", 504: "GatewayTimeout"}.get(
            status, "UnknownError"
        )
        raise GraphError(status, code, "An internal server error occurred. The operation failed.")
    return resp


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:.3f}"


def _log(req, mailbox, status, started, request_id, client_request_id, error_code, fault):
    # End and duration read at one instant (the clock's offset query comes after), so
    # [at - duration, at] is the request's true span: the in-flight figures sweep it.
    ended, duration_ms = timezone.now(), int((time.monotonic() - started) * 1000)
    log.record(
        at=ended + clock.offset(),
        method=req.method,
        path=req.display_path[:2000],
        mailbox=mailbox,
        status=status,
        duration_ms=duration_ms,
        request_id=request_id,
        client_request_id=client_request_id[:64],
        error_code=error_code,
        fault=fault,
        batch_request_id=req.batch_request_id,
    )
