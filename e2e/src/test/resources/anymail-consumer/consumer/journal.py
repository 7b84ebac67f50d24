"""Append-only JSON-lines files the test reads; one lock, one line per write, flushed at once."""
import json
import os
import threading

_lock = threading.Lock()
current = threading.local()


def append(variable, record):
    line = json.dumps(record, sort_keys=True, default=str) + "\n"
    with _lock:
        with open(os.environ[variable], "a", encoding="utf-8") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())
