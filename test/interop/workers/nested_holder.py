"""Hold a scope with the Python original, then run a command as this holder's child.

Usage: nested_holder.py LOOPS_DIR LOOP_NAME SCOPE -- COMMAND...
Prints "held" or "refused", then, when held, the command's exit code, and keeps the lock until
stdin closes: what a step of `ll-loop run` looks like to the tools it starts.
"""
import subprocess
import sys
from pathlib import Path

from concurrency import LockManager

loops_dir, name, scope = sys.argv[1:4]
command = sys.argv[sys.argv.index("--") + 1 :]
manager = LockManager(Path(loops_dir))
if not manager.acquire(name, [scope]):
    print("refused", flush=True)
    sys.exit(0)
print("held", flush=True)
print(subprocess.run(command).returncode, flush=True)
sys.stdin.read()
manager.release(name)
