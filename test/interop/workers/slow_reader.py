"""The Python original's find_conflict, with its liveness check of one pid held open.

Usage: slow_reader.py LOOPS_DIR SLOW_PID SCOPE...
Prints "judging" once find_conflict asks whether SLOW_PID is alive, then waits for a line on stdin
before answering: the window between Python's read of a stale record and its unlink, widened on
purpose. Prints the conflicting loop's name, or "free", when find_conflict returns.
"""
import sys
from pathlib import Path

from concurrency import LockManager

loops_dir, slow_pid = sys.argv[1], int(sys.argv[2])


class SlowReader(LockManager):
    def _process_alive(self, pid: int) -> bool:
        if pid == slow_pid:
            print("judging", flush=True)
            sys.stdin.readline()
        return super()._process_alive(pid)


conflict = SlowReader(Path(loops_dir)).find_conflict(sys.argv[3:])
print(conflict.loop_name if conflict else "free", flush=True)
