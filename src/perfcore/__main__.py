"""``python -m perfcore``: a minimal command dispatcher.

Only ``plugins`` exists for now; the full command-line interface is a later piece of
work and will reuse :func:`perfcore.plugins.run_plugins_command`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m perfcore")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("plugins", help="list installed plugins, domains, measures, "
                        "scorers, loaders and renderers",
                        description="List installed perfcore plugins and what they register.")
    parser.parse_args(argv)  # argparse exits on anything but a known command
    from perfcore.plugins import run_plugins_command

    return run_plugins_command()


if __name__ == "__main__":
    sys.exit(main())
