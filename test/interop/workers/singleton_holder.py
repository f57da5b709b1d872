"""Hold a singleton lock with today's Python original until stdin closes.

Usage: singleton_holder.py LOOPS_DIR LOOP_NAME SCOPE
Prints "held" or "refused".
"""
import sys
from pathlib import Path

from concurrency import LockManager

loops_dir, name, scope = sys.argv[1:4]
manager = LockManager(Path(loops_dir))
if not manager.acquire(name, [scope], singleton=True):
    print("refused", flush=True)
    sys.exit(0)
print("held", flush=True)
sys.stdin.read()
manager.release(name)
