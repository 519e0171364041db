"""perfcore-wellbeing: the workforce wellbeing domain for perfcore.

Measures are published as ``wellbeing.<id>``; calculations live in
:mod:`perfcore_wellbeing.absence` and :mod:`perfcore_wellbeing.workforce`.
"""

from __future__ import annotations

__version__ = "0.1.0"
