"""perfcore-victims: the victims and domestic abuse domain for perfcore.

Measures are published as ``victims.<id>`` once the package is installed (it registers
itself through the ``perfcore`` entry-point group). Calculations:
:func:`perfcore_victims.deadlines.dvds_compliance` and
:func:`perfcore_victims.growth.average_annual_growth`; the derived measures in
:mod:`perfcore_victims.derived` and the DVDS case loader in
:mod:`perfcore_victims.dvds_cases` put them to work on a plan's data.
"""

from __future__ import annotations

__version__ = "0.1.0"
