"""perfcore-soc: the serious and organised crime (SOC) domain for perfcore.

Measures are published as ``soc.<id>``; :mod:`perfcore_soc.disruption` holds the
domain's calculations.
"""

from __future__ import annotations

__version__ = "0.1.0"
