"""Contention worker driving the Python original, in step with the scopeguard workers.

Usage: python_worker.py LOOPS_DIR NAME LOG_FILE CONTROL_DIR EPOCH_MS PERIOD_MS ROUNDS HOLD_MS SCOPE...
In each round, at the same wall-clock tick as every other worker, try to take one random scope,
hold it for HOLD_MS and release it; sit a round out while CONTROL_DIR/pause exists, and stop after
ROUNDS rounds or once CONTROL_DIR/stop exists. Logs JSON lines like library-worker.mjs; times
are CLOCK_MONOTONIC nanoseconds, taken after the lock is held and before it is released.
"""
import json
import random
import sys
import time
import traceback
from pathlib import Path

from concurrency import LockManager

loops_dir, name, log_file, control = sys.argv[1:5]
epoch, period, rounds, hold_ms = (int(value) for value in sys.argv[5:9])
scopes = sys.argv[9:]


def until(instant_ms: int) -> None:
    """Sleep most of the way to a wall-clock instant, then spin so every worker starts together."""
    ahead = instant_ms / 1000 - time.time()
    if ahead > 0.005:
        time.sleep(ahead - 0.003)
    while time.time() * 1000 < instant_ms:
        pass


with open(log_file, "a", buffering=1) as log:
    def write(**entry: object) -> None:
        log.write(json.dumps({"who": name, **entry}) + "\n")

    try:
        manager = LockManager(Path(loops_dir))
        for round_number in range(rounds):
            until(epoch + round_number * period)
            if Path(control, "stop").exists():
                break
            if Path(control, "pause").exists():
                continue
            scope = random.choice(scopes)
            if not manager.acquire(name, [scope]):
                write(scope=scope, refused=True)
                continue
            write(scope=scope, start=str(time.monotonic_ns()))
            time.sleep(hold_ms / 1000)
            write(scope=scope, end=str(time.monotonic_ns()))
            manager.release(name)
    except Exception:  # noqa: BLE001 - any failure is reported to the test through the log
        write(error=traceback.format_exc())
        sys.exit(1)
