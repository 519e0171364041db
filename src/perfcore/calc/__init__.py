"""Pure, vectorised calculations: change, intervals, comparison, direction of travel, SPC.

No I/O and no plugins here. Every function takes numpy array-likes that broadcast, takes
its options as keywords, and returns a frozen result class with named fields. A bad
element becomes NaN with a reason bit in ``result.reasons``; a bad option raises
:class:`perfcore.errors.OptionError`.
"""

from perfcore.calc._common import Reason, reason_names

__all__ = ["Reason", "reason_names"]
