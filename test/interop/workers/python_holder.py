"""Hold a scope with the Python original until stdin closes.

Usage: python_holder.py LOOPS_DIR LOOP_NAME SCOPE [--singleton] [--instance ID]
Prints "held" or "refused". --singleton and --instance need a version that knows them (today's
little-loops); an instance id with "/" is written one folder down, as that version writes it.
"""
import sys
from pathlib import Path

from concurrency import LockManager

loops_dir, name, scope = sys.argv[1:4]
options = sys.argv[4:]
extra = {}
if "--singleton" in options:
    extra["singleton"] = True
if "--instance" in options:
    extra["instance_id"] = options[options.index("--instance") + 1]
manager = LockManager(Path(loops_dir))
if not manager.acquire(name, [scope], **extra):
    print("refused", flush=True)
    sys.exit(0)
print("held", flush=True)
sys.stdin.read()
if "instance_id" in extra:
    manager.release(name, extra["instance_id"])
else:
    manager.release(name)
