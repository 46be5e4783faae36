#!/usr/bin/env python3
"""Edit-to-browser latency of `dropgen serve`, measured as a browser sees it.

Starts `dropgen serve` on a site, listens to its live-reload event stream like an open tab,
then edits one drop file several times (alternately its text and its stock) and measures, from
the moment the file is saved:
  - preview: the `changed` event naming the drop's page arrives,
  - served:  a GET of the page returns the edited text,
  - rebuilt: the full rebuild's event arrives (every other page up to date).
Prints one JSON object with the medians in seconds.

usage: bench-serve.py DROPGEN SITE NOW DROP_FILE [EDITS]
"""
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

dropgen, site, now, drop_file = sys.argv[1:5]
edits = int(sys.argv[5]) if len(sys.argv) > 5 else 6

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]

server = subprocess.Popen([dropgen, "serve", "--site", site, "--port", str(port), "--now", now],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
started = time.monotonic()
for line in server.stdout:
    if line.startswith("Serving"):
        break
else:
    sys.exit("bench-serve: the server stopped before serving")
first_build = time.monotonic() - started

events = []  # (monotonic time, event name, data)
arrived = threading.Condition()
builds = []  # monotonic times of the server's "Rendered …" / "Built …" lines: full rebuilds done


def read_output():
    for line in server.stdout:
        if line.startswith(("Rendered", "Built")):
            with arrived:
                builds.append(time.monotonic())
                arrived.notify_all()


threading.Thread(target=read_output, daemon=True).start()


def listen():
    stream = socket.create_connection(("127.0.0.1", port))
    stream.sendall(b"GET /_dropgen/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
    buffered = b""
    while True:
        chunk = stream.recv(65536)
        if not chunk:
            return
        buffered += chunk
        for name, data in re.findall(rb"event: (\w+)\r?\ndata: ([^\r\n]*)\r?\n\r?\n", buffered):
            with arrived:
                events.append((time.monotonic(), name.decode(), data.decode()))
                arrived.notify_all()
        buffered = buffered[buffered.rfind(b"\n\n") + 2:] if b"\n\n" in buffered else buffered


def wait_for(predicate, since, timeout=120):
    """The first event from index `since` on that satisfies `predicate`."""
    deadline = time.monotonic() + timeout
    with arrived:
        while True:
            for event in events[since:]:
                if predicate(event):
                    return event
            if not arrived.wait(deadline - time.monotonic()):
                sys.exit("bench-serve: no such event within %d s" % timeout)


threading.Thread(target=listen, daemon=True).start()
wait_for(lambda e: e[1] == "hello", 0)

path = os.path.join(site, drop_file)
slug = os.path.splitext(os.path.basename(drop_file))[0]
page_url = "http://127.0.0.1:%d/drops/%s/" % (port, slug)
original = open(path).read()
stock = re.search(r"^remaining: (\d+)$", original, re.M)
results = {"preview": [], "served": [], "rebuilt": []}
try:
    for n in range(edits):
        time.sleep(0.5)
        text = original
        if n % 2 == 1 and stock:
            text = re.sub(r"^remaining: \d+$", "remaining: %d" % max(0, int(stock.group(1)) - 1), text, count=1, flags=re.M)
        marker = "Bench edit %d at %f." % (n, time.time())
        text += "\n%s\n" % marker
        since = len(events)
        with open(path, "w") as handle:
            handle.write(text)
        saved = time.monotonic()
        preview = wait_for(lambda e: e[1] in ("changed", "reload") and ("/drops/%s/" % slug in e[2] or e[1] == "reload"), since)
        body = urllib.request.urlopen(page_url).read().decode()
        served = time.monotonic()
        if marker not in body:
            sys.exit("bench-serve: the page did not show the edit after its event")
        with arrived:
            while not any(t > saved for t in builds):
                arrived.wait(120)
            rebuilt = min(t for t in builds if t > saved)
        results["preview"].append(preview[0] - saved)
        results["served"].append(served - saved)
        results["rebuilt"].append(rebuilt - saved)
finally:
    restored = time.monotonic()
    with open(path, "w") as handle:
        handle.write(original)
    with arrived:
        arrived.wait_for(lambda: any(t > restored for t in builds), timeout=120)
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        print("bench-serve: the server did not stop within 30 s of SIGINT; killed", file=sys.stderr)

print(json.dumps({"first_build": round(first_build, 3), "edits": edits,
                  **{key: round(statistics.median(values), 4) for key, values in results.items()}}))
