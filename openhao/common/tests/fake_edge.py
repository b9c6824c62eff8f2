"""A stand-in for the edge's purge endpoint, for tests that count purges."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeEdge:
    """An HTTP server answering PURGE like the edge does; ``hold`` keeps the next purge
    waiting (the worker is inside the task) until released."""

    def __init__(self):
        self.received: list[str] = []
        self.answered: list[str] = []
        self.hold = False
        self.fail_next = 0
        self.arrived = threading.Event()
        self.release = threading.Event()
        edge = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
                tags = self.headers.get("xkey-purge", "")
                edge.received.append(tags)
                edge.arrived.set()
                if edge.fail_next:
                    edge.fail_next -= 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if edge.hold:
                    edge.hold = False
                    edge.release.wait(30)
                    return  # the worker is dead by now: nobody reads an answer
                edge.answered.append(tags)  # before the answer: the caller may look at once
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
