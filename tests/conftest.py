"""Shared test configuration: hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``.

``default`` (100 examples a test) locally, ``ci`` (60) when ``CI`` is set, ``thorough``
(2,000) by hand, and ``fuzz`` (10,000) for ``nox -s fuzz``, which runs the property tests
of tests/test_fuzz_*.py: every calc function and loader fed bad input.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.register_profile("fuzz", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
_default = "ci" if os.environ.get("CI") else "default"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
