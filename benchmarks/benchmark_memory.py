"""Peak memory of a benchmark's process, shared by benchmarks/load.py and records.py.

Those scripts run as scripts (each measurement in a fresh process) and are loaded by path
in the tests, where benchmarks/ is not on ``sys.path``; they import this module with their
own folder put on ``sys.path`` for the import only.
"""

from __future__ import annotations

import resource
from pathlib import Path

__all__ = ["peak_mib"]


def peak_mib() -> float:
    """This process's peak resident set size in MiB: ``VmHWM`` where Linux gives it
    (``getrusage`` would count the parent's peak too, inherited through fork and exec),
    else ``getrusage``'s, the best there is."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
