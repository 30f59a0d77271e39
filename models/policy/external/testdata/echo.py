#!/usr/bin/env python3
"""The smallest dcsim-policy/1 policy: it answers every schedule message with no starts. The
round-trip benchmark uses it to measure the protocol's own cost."""
import sys

sys.stdin.readline()
sys.stdout.write('{"type":"hello","protocol":"dcsim-policy/1","name":"echo"}\n')
sys.stdout.flush()
for line in sys.stdin:
    if line.startswith('{"type":"end"'):
        break
    sys.stdout.write('{"type":"decisions","start":[]}\n')
    sys.stdout.flush()
