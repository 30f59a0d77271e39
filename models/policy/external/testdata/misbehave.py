#!/usr/bin/env python3
"""A policy for tests: it speaks dcsim-policy/1 correctly until it misbehaves as argv[1] says.

Modes (protocol): ok (starts nothing, exits at end), first (starts the oldest waiting task on
host 0 when it fits there), sleep (never answers a schedule message), badjson (answers with a
non-JSON line), crash (writes a traceback to stderr and exits 3), exit-at-once (exits before the
hello), badproto (answers the hello with another protocol), wrongtype, wrongseq, error (reports an
error), no-newline, hang-at-end (ignores the end message), fail-at-end (exits 1 at the end).
Modes (decisions): unknown-task, duplicate, bad-host, no-capacity, again (starts a task that
already started), partial-gang (starts one task of a rigid job), host-off (starts on an off host).
"""
import json
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if mode == "exit-at-once":
    sys.stderr.write("exit-at-once: leaving\n")
    sys.exit(2)
hello = json.loads(sys.stdin.readline())
hosts = hello["hosts"]
if mode == "badproto":
    send({"type": "hello", "protocol": "dcsim-policy/9"})
else:
    send({"type": "hello", "protocol": "dcsim-policy/1", "name": "misbehave-" + mode})
waiting = {}  # id -> task, in arrival order
free = {h["host"]: [h["cpu"], h["mem"], h["gpu"], h["on"]] for h in hosts}
started = []
n = 0
while True:
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    msg = json.loads(line)
    if msg["type"] == "end":
        if mode == "hang-at-end":
            time.sleep(60)
        if mode == "fail-at-end":
            sys.stderr.write("fail-at-end: something went wrong at the end\n")
            sys.exit(1)
        sys.exit(0)
    n += 1
    for tid in msg["removed"]:
        waiting.pop(tid, None)
    for t in msg["arrived"]:
        waiting[t["id"]] = t
    for h in msg["hosts"]:
        free[h["host"]] = [h["cpu"], h["mem"], h["gpu"], h["on"]]
    if msg["waiting"] != len(waiting):
        sys.stderr.write("mirror out of step: %d != %d\n" % (msg["waiting"], len(waiting)))
        sys.exit(4)
    first = next(iter(waiting)) if waiting else None
    reply = {"type": "decisions", "seq": msg["seq"], "start": []}
    if mode == "sleep":
        sys.stderr.write("sleep: thinking very hard\n")
        sys.stderr.flush()
        time.sleep(60)
    elif mode == "badjson":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    elif mode == "no-newline":
        sys.stdout.write('{"type":"decisions"')
        sys.stdout.flush()
        sys.exit(0)
    elif mode == "crash":
        sys.stderr.write("Traceback (most recent call last):\nZeroDivisionError: division by zero\n")
        sys.exit(3)
    elif mode == "wrongtype":
        reply["type"] = "decision"
    elif mode == "wrongseq":
        reply["seq"] = msg["seq"] + 1
    elif mode == "error":
        reply = {"type": "error", "message": "policy gave up: no plan"}
    elif mode == "unknown-task":
        reply["start"] = [{"task": 10**9, "host": 0}]
    elif mode == "duplicate":
        reply["start"] = [{"task": first, "host": 0}, {"task": first, "host": 0}]
    elif mode == "bad-host":
        reply["start"] = [{"task": first, "host": len(hosts)}]
    elif mode == "no-capacity":
        reply["start"] = [{"task": t, "host": 0} for t in waiting]
    elif mode == "again":
        reply["start"] = [{"task": started[0], "host": 0}] if started else [{"task": first, "host": 0}]
        if not started:
            started.append(first)
    elif mode == "partial-gang":
        reply["start"] = [{"task": first, "host": 0}]
    elif mode == "host-off":
        off = [h for h, f in free.items() if not f[3]]
        reply["start"] = [{"task": first, "host": off[0]}] if off else []
    elif mode == "first" and first is not None:
        t = waiting[first]
        f = free[0]
        if f[3] and f[0] >= t["cpu"] and f[1] >= t["mem"] and f[2] >= t["gpu"]:
            reply["start"] = [{"task": first, "host": 0}]
            f[0] -= t["cpu"]
            f[1] -= t["mem"]
            f[2] -= t["gpu"]
            del waiting[first]
    if mode not in ("first", "again"):
        for d in reply.get("start", []):
            waiting.pop(d["task"], None)
    if mode == "again" and reply["start"]:
        waiting.pop(reply["start"][0]["task"], None)
    send(reply)
