"""Contention worker driving the Python original: acquire, log, hold, release, until told to stop.

Usage: python_worker.py LOOPS_DIR NAME LOG_FILE STOP_FILE PAUSE_FILE SCOPE...
Runs until STOP_FILE exists (or 60 s at most); takes no new lock while PAUSE_FILE exists.
Each successful hold appends {"who", "scope", "start", "end"} (CLOCK_MONOTONIC ns) to LOG_FILE;
"start" is written and flushed before the hold, so a killed holder leaves an open interval.
"""
import json
import random
import sys
import time
from pathlib import Path

from concurrency import LockManager

loops_dir, name, log_file, stop_file, pause_file = sys.argv[1:6]
deadline = time.monotonic() + 60
scopes = sys.argv[6:]
manager = LockManager(Path(loops_dir))
with open(log_file, "a", buffering=1) as log:
    while not Path(stop_file).exists() and time.monotonic() < deadline:
        scope = random.choice(scopes)
        if Path(pause_file).exists():
            time.sleep(0.02)
            continue
        if manager.acquire(name, [scope]):
            log.write(json.dumps({"who": name, "scope": scope, "start": time.monotonic_ns()}) + "\n")
            time.sleep(random.uniform(0.05, 0.15))
            log.write(json.dumps({"who": name, "scope": scope, "end": time.monotonic_ns()}) + "\n")
            manager.release(name)
        time.sleep(random.uniform(0.02, 0.1))
