"""Take the Python original's lock on a scope (retrying), say "held", then hold it until killed.

Usage: python_hog.py LOOPS_DIR NAME SCOPE...
"""
import sys
import time
from pathlib import Path

from concurrency import LockManager

manager = LockManager(Path(sys.argv[1]))
while not manager.acquire(sys.argv[2], sys.argv[3:]):
    time.sleep(0.01)
print("held", flush=True)
time.sleep(300)
