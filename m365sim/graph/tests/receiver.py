"""A tiny notification endpoint for tests: a real HTTP server on a loopback port that
answers the validation handshake and records notification POSTs."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Receiver:
    url: str = ""
    handshake: str = "echo"  # echo | wrong | status500 | html
    fail_next: int = 0  # answer 500 to this many notification POSTs
    received: list[dict] = field(default_factory=list)
    validations: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def items(self) -> list[dict]:
        """Every notification item received, in arrival order."""
        return [item for body in self.received for item in body["value"]]


def start() -> Receiver:
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _answer(self, status: int, body: str = "", ctype: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if "validationToken" in query:
                token = query["validationToken"][0]
                rec.validations.append(token)
                if rec.handshake == "echo":
                    self._answer(200, token)
                elif rec.handshake == "wrong":
                    self._answer(200, "something else")
                elif rec.handshake == "html":
                    self._answer(200, token, ctype="text/html")
                else:
                    self._answer(500, "boom")
                return
            if rec.fail_next > 0:
                rec.fail_next -= 1
                self._answer(500, "down")
                return
            rec.received.append(json.loads(raw))
            self._answer(202)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rec.server = server
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/notify"
    return rec
