"""An example perfcore plugin adding a "roads" domain with one measure."""

from __future__ import annotations

from perfcore import DomainSpec, hookimpl
from perfcore.model import Measure

__version__ = "0.1.0"


@hookimpl
def perfcore_register_domains() -> list[DomainSpec]:
    return [DomainSpec(
        name="roads",
        title="Roads policing",
        version=__version__,
        measures=(
            Measure(id="ksi_casualties", name="Killed or seriously injured", kind="count",
                    polarity="lower", unit="casualties",
                    description="People killed or seriously injured in road collisions."),
        ),
    )]
