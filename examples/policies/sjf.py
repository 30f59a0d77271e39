#!/usr/bin/env python3
"""Shortest-job-first with first-fit placement, as an external dcsim policy.

The simulator runs this program when a scenario sets

    scheduler:
      external: {command: [python3, sjf.py], timeout: 10s}

and `dcsim run` is given --allow-exec. It speaks the dcsim-policy/1 protocol
(docs/external-policies.md): one JSON object per line on stdin, one answer per line on stdout.
It uses only the Python standard library.

The rule is exactly the built-in `scheduler: {queue: sjf, placement: first-fit}`, so the two give
identical results (a Go test checks this):

- order: the waiting task with the smallest run-time estimate first; ties by submit time, job
  id, task index (a job's tasks stay together);
- placement: the lowest-index host that is on and has the free CPU, memory and GPUs;
- the first task in that order that fits no host blocks those behind it (head-of-line
  blocking), until the next scheduling point;
- a rigid (gang) job starts all its waiting tasks at once, or none.

Cost per scheduling point: O(log n) per started task for the heap, and O(H) per placement
attempt for the first-fit scan over H hosts (fine for hundreds of hosts; an index would be the
next step for thousands).
"""

import heapq
import json
import sys

PROTOCOL = "dcsim-policy/1"


class SJFFirstFit:
    """The policy's copy of the simulator's state, kept current from the messages."""

    def __init__(self, hello):
        hosts = hello["hosts"]
        # Free capacity per host index (CPU in millicores, memory in bytes, whole GPUs).
        self.cpu = [h["cpu"] for h in hosts]
        self.mem = [h["mem"] for h in hosts]
        self.gpu = [h["gpu"] for h in hosts]
        self.on = [h["on"] for h in hosts]
        self.waiting = {}  # task id -> task object from "arrived"
        self.heap = []  # (estimate, submit, job, task index, id); ids no longer waiting are skipped
        self.gangs = {}  # job id -> ids of its waiting tasks, for rigid jobs

    def apply(self, msg):
        """Applies a schedule message's changes: removed tasks, arrived tasks, changed hosts."""
        for tid in msg["removed"]:
            t = self.waiting.pop(tid, None)
            if t is not None and t["gang"]:
                self.gangs[t["job"]].remove(tid)
        for t in msg["arrived"]:
            tid = t["id"]
            self.waiting[tid] = t
            heapq.heappush(self.heap, (t["estimate"], t["submit"], t["job"], t["task"], tid))
            if t["gang"]:
                self.gangs.setdefault(t["job"], []).append(tid)
        for h in msg["hosts"]:
            i = h["host"]
            self.cpu[i], self.mem[i], self.gpu[i], self.on[i] = h["cpu"], h["mem"], h["gpu"], h["on"]

    def first_fit(self, t):
        """The lowest-index host that is on and fits task t, or -1."""
        c, m, g = t["cpu"], t["mem"], t["gpu"]
        cpu, mem, gpu, on = self.cpu, self.mem, self.gpu, self.on
        for i in range(len(cpu)):
            if cpu[i] >= c and mem[i] >= m and gpu[i] >= g and on[i]:
                return i
        return -1

    def take(self, t, i, sign):
        """Allocates (sign 1) or releases (sign -1) task t's demand on host i."""
        self.cpu[i] -= sign * t["cpu"]
        self.mem[i] -= sign * t["mem"]
        self.gpu[i] -= sign * t["gpu"]

    def decide(self):
        """Returns the starts of this scheduling point, as [task id, host index] pairs."""
        starts = []
        while self.heap:
            tid = self.heap[0][4]
            t = self.waiting.get(tid)
            if t is None:  # started or removed earlier
                heapq.heappop(self.heap)
                continue
            if not t["gang"]:
                i = self.first_fit(t)
                if i < 0:
                    break  # the head blocks the queue
                self.take(t, i, 1)
                starts.append((tid, i))
                del self.waiting[tid]
                heapq.heappop(self.heap)
                continue
            # A rigid job: place its waiting tasks in task order, allocating as we go; undo if
            # one does not fit.
            ids = sorted(self.gangs[t["job"]], key=lambda x: self.waiting[x]["task"])
            placed = []
            for x in ids:
                i = self.first_fit(self.waiting[x])
                if i < 0:
                    break
                self.take(self.waiting[x], i, 1)
                placed.append((x, i))
            if len(placed) < len(ids):
                for x, i in placed:
                    self.take(self.waiting[x], i, -1)
                break
            for x, i in placed:
                starts.append((x, i))
                del self.waiting[x]
            del self.gangs[t["job"]]
        return starts


def send(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    hello = json.loads(sys.stdin.readline())
    if hello.get("protocol") != PROTOCOL:
        send({"type": "error", "message": "sjf.py speaks %s, not %s" % (PROTOCOL, hello.get("protocol"))})
        return 1
    policy = SJFFirstFit(hello)
    send({"type": "hello", "protocol": PROTOCOL, "name": "sjf-first-fit"})
    while True:
        line = sys.stdin.readline()
        if not line:
            return 0  # stdin closed: the simulator is gone
        msg = json.loads(line)
        kind = msg["type"]
        if kind == "end":
            return 0
        if kind == "schedule":
            policy.apply(msg)
            starts = policy.decide()
            send({"type": "decisions", "seq": msg["seq"],
                  "start": [{"task": tid, "host": i} for tid, i in starts]})


if __name__ == "__main__":
    sys.exit(main())
