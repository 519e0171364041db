"""Organisation registry and comparator groups."""

from __future__ import annotations

import pickle

import pytest

from perfcore.errors import ModelError, UnknownOrganisationError
from perfcore.organisations import ComparatorGroup, default_registry


def test_registry_has_the_43_forces_of_england_and_wales() -> None:
    reg = default_registry()
    forces = reg.forces()
    assert len(forces) == 43
    assert len(reg.members("Wales")) == 4  # Dyfed-Powys, Gwent, North Wales, South Wales
    assert len(reg.members("England")) == 39
    assert reg.get("Gwent").code == "W15000002"  # ONS GSS code, P3 tables


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Avon & Somerset", "E23000036"),  # Home Office open data spelling
        ("Avon and Somerset", "E23000036"),  # ONS spelling
        ("London, City of", "E23000034"),  # ONS/Home Office
        ("City of London", "E23000034"),
        ("Devon & Cornwall", "E23000035"),
        ("dyfed powys", "W15000004"),
        ("E&W", "K04000001"),
        ("W15000002", "W15000002"),
    ],
)
def test_published_spellings_resolve(spelling: str, code: str) -> None:
    assert default_registry().code(spelling) == code


def test_region_and_force_with_the_same_name() -> None:
    reg = default_registry()
    assert reg.get("West Midlands").code == "E23000014"  # the force
    assert reg.get("West Midlands", type="english_region").code == "E12000005"


def test_unknown_organisation_suggests() -> None:
    with pytest.raises(UnknownOrganisationError) as info:
        default_registry().get("Gwentt")
    assert "Gwent" in info.value.suggestions
    assert isinstance(info.value, KeyError)


def test_msg_is_configuration_with_version_and_one_way() -> None:
    peers = ["South Wales", "Cleveland", "Humberside", "Lancashire", "Nottinghamshire",
             "Northumbria", "Merseyside"]
    g = ComparatorGroup.msg("Gwent", peers, version="illustrative-2020", illustrative=True,
                            source="made up for a test")
    assert g.kind == "msg" and g.focal == "W15000002"
    assert "W15000002" not in g.members and len(g.members) == 7
    assert g.with_focal()[0] == "W15000002" and len(g.with_focal()) == 8
    assert g.version == "illustrative-2020" and g.illustrative
    assert pickle.loads(pickle.dumps(g)) == g


def test_group_with_unknown_member_names_group_and_member() -> None:
    with pytest.raises(UnknownOrganisationError) as info:
        ComparatorGroup.msg("Gwent", ["South Wales", "Atlantis"], version="v1")
    assert info.value.group == "msg_W15000002"
    assert info.value.organisation == "Atlantis"


def test_group_rejects_duplicates_and_a_bare_string() -> None:
    with pytest.raises(ModelError):
        ComparatorGroup.msg("Gwent", ["South Wales", "south wales"], version="v1")
    with pytest.raises(ModelError):
        ComparatorGroup(id="g", name="G", kind="custom", members="Gwent")  # type: ignore[arg-type]


def test_area_groups() -> None:
    reg = default_registry()
    assert len(reg.group("England and Wales").members) == 43
    wales = reg.group("Wales")
    assert wales.kind == "country" and set(wales.members) == {
        "W15000001", "W15000002", "W15000003", "W15000004"}


def test_name_of_gives_a_name_beside_a_code_and_nothing_for_an_unknown_one() -> None:
    reg = default_registry()
    assert reg.name_of("W15000002") == "Gwent"
    assert reg.name_of("Gwent") == "Gwent"
    assert reg.name_of("W15000003", lang="cy") == "De Cymru"
    assert reg.name_of("north_division") == ""
