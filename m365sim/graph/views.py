"""HTTP entry of the simulated Graph: /m365/graph/v1.0/<path>."""

from __future__ import annotations

import contextlib
import json
import socket

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .core import GraphRequest, Headers
from .frontdoor import DropConnection, handle


def _headers(request: HttpRequest) -> Headers:
    headers = Headers(request.headers)
    return headers


@csrf_exempt
def graph_v1(request: HttpRequest, rest: str) -> HttpResponse:
    query = dict(request.GET.items())
    greq = GraphRequest(
        method=request.method,
        path=rest,
        query=query,
        headers=_headers(request),
        body=request.body,
    )
    try:
        resp = handle(greq)
    except DropConnection:
        if not _drop(request):
            raise
        # The socket is shut: the server's write of this placeholder fails quietly.
        return HttpResponse(status=500)
    if resp.body is None:
        out = HttpResponse(status=resp.status)
    else:
        out = HttpResponse(
            json.dumps(resp.body), status=resp.status, content_type="application/json"
        )
    for key, value in resp.headers.items():
        out[key] = value
    return out


def _drop(request: HttpRequest) -> bool:
    """Shut the client's socket down so it sees a connection without any answer.

    Django's dev/live server (wsgiref) keeps the socket behind environ["wsgi.input"]
    (LimitedStream -> BufferedReader -> SocketIO); under other servers we can only
    raise, which still gives no Graph answer.
    """
    stream = request.environ.get("wsgi.input")
    # Django's LimitedStream keeps the reader only as bound methods (_read).
    reader = getattr(stream, "stream", None) or getattr(
        getattr(stream, "_read", None), "__self__", None
    )
    raw = getattr(getattr(reader, "raw", None), "_sock", None)
    if not isinstance(raw, socket.socket):
        return False
    with contextlib.suppress(OSError):
        raw.shutdown(socket.SHUT_RDWR)
    return True
