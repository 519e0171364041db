"""Organisations (the 43 police force areas of England and Wales, their regions and
countries) and comparator groups (a force's Most Similar Group, England & Wales, Wales, a
region).

The registry ships with perfcore (``perfcore/data/organisations.csv``: ONS GSS codes and
names from the ONS police force area tables, December 2019 release, with the spellings
used by Home Office publications as aliases). MSG membership is *configuration*: it is
supplied by the user with its version and source, never hard-coded as fact.
"""

from __future__ import annotations

import builtins
import csv
import functools
import io
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources

import attrs

from perfcore.errors import ModelError, UnknownOrganisationError

__all__ = [
    "ComparatorGroup",
    "Organisation",
    "OrganisationRegistry",
    "default_registry",
    "organisation_name",
]

ORG_TYPES = ("england_and_wales", "country", "english_region", "police_force_area",
             "national_force")


@attrs.frozen(kw_only=True)
class Organisation:
    """One organisation: a police force area, region, country or England and Wales."""

    code: str
    name: str
    type: str = attrs.field(validator=attrs.validators.in_(ORG_TYPES))
    country: str = ""
    region: str = ""
    aliases: tuple[str, ...] = ()
    name_cy: str = ""

    def name_in(self, lang: str) -> str:
        """The name in ``lang`` ("cy": "De Cymru"); the English name where the language has
        none of its own (English forces keep their names in Welsh text)."""
        return self.name_cy if lang == "cy" and self.name_cy else self.name

    @property
    def is_force(self) -> bool:
        """True for the 43 territorial police force areas."""
        return self.type == "police_force_area"


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").replace("-", " ").replace(",", " ").split())


class OrganisationRegistry:
    """Look organisations up by ONS code, name or published spelling.

    Names are matched case-insensitively with ``&``/``and`` and punctuation folded. A name
    shared by a region and a force ("West Midlands") resolves to the force unless
    ``type=`` says otherwise; an unknown name raises :class:`UnknownOrganisationError`
    with the nearest names.
    """

    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self._by_code: dict[str, Organisation] = {}
        self._by_name: dict[str, list[Organisation]] = {}
        for org in organisations:
            if org.code in self._by_code:
                raise ModelError(reason="the code is listed twice",
                                 obj=f"organisation {org.code!r}", field="code")
            self._by_code[org.code] = org
            for key in {_norm(n) for n in (org.name, *org.aliases, org.name_cy) if n}:
                self._by_name.setdefault(key, []).append(org)

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self.get(key)
        except UnknownOrganisationError:
            return False
        return True

    def forces(self) -> tuple[Organisation, ...]:
        """The 43 territorial police force areas, in registry order."""
        return tuple(o for o in self if o.is_force)

    def get(self, key: str, *, type: str | None = None) -> Organisation:
        """The organisation with this code, name or alias."""
        if not isinstance(key, str):
            raise UnknownOrganisationError(
                reason=f"an organisation is named by text (a name or ONS code), not "
                f"{builtins.type(key).__name__} {key!r}", organisation=repr(key))
        if key in self._by_code:
            return self._by_code[key]
        matches = self._by_name.get(_norm(key), [])
        if type is not None:
            matches = [m for m in matches if m.type == type]
        if len(matches) > 1:
            forces = [m for m in matches if m.is_force]
            matches = forces if len(forces) == 1 else matches
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            options = ", ".join(f"{m.name} ({m.type}, {m.code})" for m in matches)
            raise UnknownOrganisationError(
                reason=f"{key!r} is ambiguous: {options}", hint="use the code or pass type=",
                organisation=key, suggestions=tuple(m.code for m in matches))
        names = sorted({o.name for o in self} | {a for o in self for a in o.aliases})
        raise UnknownOrganisationError.near(key, names)

    def code(self, key: str) -> str:
        """The ONS code of the organisation with this code, name or alias."""
        return self.get(key).code

    def name_of(self, key: str, lang: str = "en") -> str:
        """The name (in ``lang``) of the organisation with this code, name or alias; ``""``
        for one the registry does not know (a plan's own unit), so tables can show a
        name beside every code without failing on the unknown ones."""
        found = self._by_code.get(key)
        if found is None:
            try:
                found = self.get(key)
            except UnknownOrganisationError:
                return ""
        return found.name_in(lang)

    def members(self, area: str) -> tuple[Organisation, ...]:
        """The police force areas within England and Wales, a country or a region."""
        org = self.get(area)
        if org.type == "england_and_wales":
            return self.forces()
        if org.type == "country":
            return tuple(o for o in self.forces() if o.country == org.code)
        if org.type == "english_region":
            return tuple(o for o in self.forces() if o.region == org.code)
        return (org,)

    def group(self, area: str) -> ComparatorGroup:
        """England and Wales, a country or a region as a comparator group of its forces."""
        org = self.get(area)
        kind = {"england_and_wales": "national", "country": "country",
                "english_region": "region"}.get(org.type)
        if kind is None:
            raise UnknownOrganisationError(
                reason=f"{org.name} is not an area with member forces", organisation=area)
        return ComparatorGroup(id=org.code, name=org.name, kind=kind,
                               members=tuple(o.code for o in self.members(org.code)),
                               source="ONS police force area geography",
                               registry=self)


@functools.cache
def default_registry() -> OrganisationRegistry:
    """The registry shipped with perfcore (43 forces, 9 English regions, 2 countries,
    England and Wales, and British Transport Police)."""
    text = resources.files("perfcore.data").joinpath("organisations.csv").read_text("utf-8")
    orgs = [
        Organisation(code=r["code"], name=r["name"], type=r["type"], country=r["country"],
                     region=r["region"],
                     aliases=tuple(a for a in r["aliases"].split(";") if a),
                     name_cy=r.get("name_cy", ""))
        for r in csv.DictReader(io.StringIO(text))
    ]
    return OrganisationRegistry(orgs)


def organisation_name(key: str) -> str:
    """How messages name an organisation: its name in the shipped registry
    (``"W15000002"`` → ``"Gwent"``), or ``key`` itself when the registry does not know it
    (a basic command unit loaded with ``registry=False``)."""
    try:
        return default_registry().get(key).name
    except UnknownOrganisationError:
        return key


def _codes(members: Sequence[str]) -> tuple[str, ...]:
    if isinstance(members, str):
        raise ModelError(reason="members must be a list of organisations, not one string",
                         obj="comparator group", field="members")
    return tuple(members)


@attrs.frozen(kw_only=True)
class ComparatorGroup:
    """A set of organisations a force is compared with.

    For a Most Similar Group, ``focal`` is the force the group belongs to (MSG membership
    is one-way: Gwent's peers need not count Gwent among theirs) and ``members`` are its
    peers; ``version``/``as_of``/``source`` record which published grouping was used.
    ``illustrative=True`` marks a group made up for an example, not an official MSG.
    Members are resolved to ONS codes against ``registry`` (the default one if omitted);
    an unknown member raises :class:`UnknownOrganisationError` naming the group.
    """

    id: str
    name: str
    kind: str = attrs.field(validator=attrs.validators.in_(
        ("msg", "national", "country", "region", "custom")))
    members: tuple[str, ...] = attrs.field(converter=_codes)
    focal: str | None = None
    version: str = ""
    as_of: str = ""
    source: str = ""
    illustrative: bool = False
    registry: OrganisationRegistry | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        reg = self.registry or default_registry()
        resolved = []
        for m in self.members:
            try:
                resolved.append(reg.code(m))
            except UnknownOrganisationError as exc:
                raise UnknownOrganisationError(**{**exc.fields, "group": self.id}) from exc
        if len(set(resolved)) != len(resolved):
            dupes = sorted({c for c in resolved if resolved.count(c) > 1})
            raise ModelError(reason=f"lists {dupes} more than once",
                             obj=f"comparator group {self.id!r}", field="members")
        object.__setattr__(self, "members", tuple(resolved))
        if self.focal is not None:
            try:
                object.__setattr__(self, "focal", reg.code(self.focal))
            except UnknownOrganisationError as exc:
                raise UnknownOrganisationError(
                    **{**exc.fields, "group": self.id, "role": "focal force"}) from exc
        if self.kind == "msg" and self.focal is None:
            raise ModelError(reason="an MSG needs its focal force",
                             obj=f"comparator group {self.id!r}", field="focal")

    @classmethod
    def msg(cls, force: str, peers: Sequence[str], *, version: str, source: str = "",
            as_of: str = "", illustrative: bool = False,
            registry: OrganisationRegistry | None = None) -> ComparatorGroup:
        """A force's Most Similar Group: its peers (the force itself is not a member)."""
        reg = registry or default_registry()
        focal = reg.get(force)
        return cls(id=f"msg_{focal.code}", name=f"{focal.name} MSG", kind="msg",
                   members=tuple(peers), focal=focal.code, version=version, as_of=as_of,
                   source=source, illustrative=illustrative, registry=reg)

    def with_focal(self) -> tuple[str, ...]:
        """Members plus the focal force (the 8 of an 8-force MSG table)."""
        if self.focal is None or self.focal in self.members:
            return self.members
        return (self.focal, *self.members)
