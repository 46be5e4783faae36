#!/usr/bin/env python3
"""A small HTTP proxy in front of the test S3 server that fails a share of requests.

Faults, chosen per request from a seeded random stream:
  500       InternalError, request not forwarded
  503       SlowDown with Retry-After: 1, request not forwarded
  reset     connection reset before forwarding
  lost      request forwarded (it lands), then the connection is reset: the client never
            learns that it succeeded
  stall     no answer for --stall seconds, then a reset (the client should time out first)
Requests whose path contains "/__control" set the rate: GET /__control?rate=0.3

--mode count (make bench-publish): no faults, one kept-alive connection to the server per client
connection, no request log; requests are counted in all and by method. GET /__control answers
`rate=… count=N faults=N GET=N PUT=N …`; /__control?reset=1 zeroes the counts first.
"""
import argparse
import http.client
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

STATE = {"rate": 0.25, "count": 0, "faults": 0, "methods": {}}
LOCK = threading.Lock()


def reset(handler):
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    handler.close_connection = True
    try:
        handler.connection.close()
    except OSError:
        pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = 8333
    stall = 6.0
    rng = random.Random(4)
    counting = False

    def log_message(self, fmt, *args):
        if not self.counting:
            print("%s %s" % (self.requestline, fmt % args), flush=True)

    def _upstream(self):
        """A new connection per request, or in count mode one kept per client connection."""
        if not self.counting:
            return http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=60)
        if getattr(self, "_kept", None) is None:
            self._kept = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=60)
        return self._kept

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, code, body, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        body = self._body()
        if "/__control" in self.path:
            q = parse_qs(urlsplit(self.path).query)
            with LOCK:
                if "rate" in q:
                    STATE["rate"] = float(q["rate"][0])
                if "reset" in q:
                    STATE["count"] = STATE["faults"] = 0
                    STATE["methods"] = {}
                text = "rate=%s count=%d faults=%d" % (STATE["rate"], STATE["count"], STATE["faults"])
                text += "".join(" %s=%d" % kv for kv in sorted(STATE["methods"].items()))
            self._send(200, text.encode())
            return
        with LOCK:
            STATE["count"] += 1
            STATE["methods"][self.command] = STATE["methods"].get(self.command, 0) + 1
            roll = self.rng.random()
            fault = None
            if roll < STATE["rate"]:
                STATE["faults"] += 1
                fault = self.rng.choice(["500", "503", "reset", "lost", "lost", "stall"])
        if fault == "500":
            self._send(500, b"<Error><Code>InternalError</Code><Message>injected</Message></Error>")
            return
        if fault == "503":
            self._send(503, b"<Error><Code>SlowDown</Code><Message>injected</Message></Error>",
                       [("Retry-After", "1")])
            return
        if fault == "reset":
            reset(self)
            return
        if fault == "stall":
            time.sleep(self.stall)
            reset(self)
            return
        conn = self._upstream()
        headers = {k: v for k, v in self.headers.items()}
        if self.counting:
            headers.pop("Connection", None)
            headers.pop("connection", None)
        try:
            conn.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                         headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            if not self.counting:
                raise
            # The kept connection went stale: once more on a new one.
            conn.close()
            conn = self._kept = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=60)
            conn.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                         headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        if not self.counting:
            conn.close()
        if fault == "lost":
            reset(self)
            return
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() in ("transfer-encoding", "connection", "content-length"):
                continue
            self.send_header(k, v)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        else:
            cl = resp.getheader("Content-Length")
            if cl is not None:
                self.send_header("Content-Length", cl)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", type=int, default=8334)
    ap.add_argument("--upstream", type=int, default=8333)
    ap.add_argument("--rate", type=float, default=0.25)
    ap.add_argument("--stall", type=float, default=6.0)
    ap.add_argument("--mode", choices=["fault", "count"], default="fault")
    a = ap.parse_args()
    STATE["rate"] = 0.0 if a.mode == "count" else a.rate
    Handler.counting = a.mode == "count"
    Handler.upstream = a.upstream
    Handler.stall = a.stall
    server = ThreadingHTTPServer(("127.0.0.1", a.listen), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
