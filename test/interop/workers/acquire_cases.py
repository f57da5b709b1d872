"""Try one acquire per case with the Python original and say what became of it.

Usage: acquire_cases.py < CASES_JSON    (the module's folder on PYTHONPATH)
CASES_JSON is a list of {"root", "loopName", "scope", "singleton"}; each case runs in its own
project folder (records in ROOT/.loops/.running), from that folder, with a fresh LockManager.
Prints a JSON list with one outcome per case: "acquired", "conflict", or "fails (<exception>)"
when the module raises, which refuses the acquire just as a conflict does.
"""
import inspect
import json
import os
import sys
from pathlib import Path

from concurrency import LockManager

takes_singleton = "singleton" in inspect.signature(LockManager.acquire).parameters
outcomes = []
for case in json.load(sys.stdin):
    os.chdir(case["root"])
    options = {"singleton": case["singleton"]} if takes_singleton else {}
    try:
        manager = LockManager(Path(case["root"]) / ".loops")
        acquired = manager.acquire(case["loopName"], case["scope"], **options)
        outcomes.append("acquired" if acquired else "conflict")
    except Exception as error:  # noqa: BLE001 - every failure refuses the acquire
        outcomes.append(f"fails ({type(error).__name__})")
print(json.dumps(outcomes))
