"""perfcore-victims: the victims and domestic abuse domain for perfcore.

Measures are published as ``victims.<id>`` once the package is installed (it registers
itself through the ``perfcore`` entry-point group). Calculations:
:func:`perfcore_victims.deadlines.dvds_compliance` and
:func:`perfcore_victims.growth.average_annual_growth`.
"""

from __future__ import annotations

__version__ = "0.1.0"
