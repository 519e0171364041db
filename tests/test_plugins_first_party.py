"""The three first-party domains, discovered through their real entry points (they must
be installed: `pip install -e plugins/perfcore-victims -e plugins/perfcore-soc
-e plugins/perfcore-wellbeing`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import perfcore
import perfcore.plugins as plugins

for _package in ("perfcore_victims", "perfcore_soc", "perfcore_wellbeing"):
    pytest.importorskip(_package, reason="first-party domain plugins not installed")

FIRST_PARTY = ("victims", "soc", "wellbeing")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in (plugins.ENV_ALLOW, plugins.ENV_BLOCK, plugins.ENV_DISABLE_AUTOLOAD):
        monkeypatch.delenv(var, raising=False)
    plugins.reset_plugin_manager()
    yield
    plugins.reset_plugin_manager()


def test_installed_domains_publish_measures_by_name() -> None:
    plugins.get_plugin_manager(allow=FIRST_PARTY)
    assert [d.name for d in plugins.domains()] == ["soc", "victims", "wellbeing"]
    for measure_id in ("victims.satisfaction_whole_experience", "soc.disruptions_pursue",
                       "wellbeing.officers_ethnic_minority"):
        assert perfcore.get_measure(measure_id).id == measure_id
    info = {p.name: p for p in plugins.plugin_info()}
    assert info["victims"].distribution == "perfcore-victims"
    assert info["soc"].entry_point == "soc = perfcore_soc.plugin"


def test_blocking_one_domain_removes_only_its_measures() -> None:
    plugins.get_plugin_manager(allow=FIRST_PARTY)
    everything = {m.id for m in plugins.measures()}
    plugins.reset_plugin_manager()
    plugins.get_plugin_manager(allow=FIRST_PARTY, block="perfcore-soc")
    remaining = {m.id for m in plugins.measures()}
    assert remaining == {m for m in everything if not m.startswith("soc.")}
    assert any(m.startswith("soc.") for m in everything)
    with pytest.raises(perfcore.errors.UnknownMeasureError):
        perfcore.get_measure("soc.cash_seized")
