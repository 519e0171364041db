"""``python -m perfcore``: the same as the ``perfcore`` command."""

from __future__ import annotations

import sys

from perfcore.cli import main

if __name__ == "__main__":
    sys.exit(main())
