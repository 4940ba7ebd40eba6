"""How a setting is declared: `setting()` on a frozen dataclass field, read back as `Spec`s.

A setting is one dataclass field whose default is `setting(env=..., parse=..., help=...)`. The
field's name and its section's name make the dotted YAML key; the field's type is what code reads
(`config.limits.max_depth`), so a misspelt key fails mypy. `setting()` is generic in the parser's
result, so mypy also checks that the default and the field's annotation match what the parser
returns. The loader, `--help`, the CLI flags and the README table all walk the same `Spec`s.

Why not pydantic-settings: it would bring pydantic, its compiled core and python-dotenv into a
project that has none of them (a lock change), and the gateway needs little of it: ~60 scalar
settings, one level of sections, one per-name family. What it needs beyond that, pydantic does
not give either: the environment names kept from before (`GATEWAY_HOST`, not
`GATEWAY_SERVER__HOST`), errors that name the file or variable, defaults that depend on the
mode, and the README table. This module is about 200 lines on `dataclasses.field(metadata=)`,
and the values the server reads are the same frozen dataclasses, with no model layer between.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar, cast

__all__ = [
    "Family",
    "Parser",
    "Setting",
    "Spec",
    "families",
    "family",
    "section",
    "sections",
    "setting",
    "specs",
    "subgraph_env_name",
]

T = TypeVar("T")
Parser = Callable[[object], object]
_NOT_SET: Any = object()
_META = "gateway.setting"


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """What `setting()` records: where a value comes from besides its field, and how it reads."""

    env: str
    """The environment variable; in a family's entry, with `<NAME>` where the name goes."""
    parse: Parser
    help: str
    production: object = _NOT_SET
    """The default in production mode, when it differs from the field's (dev) default."""
    flag: str | None = None
    """A `gateway serve` option, like `--port`."""
    switches: tuple[str, ...] = ()
    """Values that get a flag of their own: `--dev` and `--production` set `mode`."""
    metavar: str | None = None
    exclusive: str | None = None
    """Flags with the same group name cannot be given together."""
    shown: str | None = None
    """How `--help` and the README show the default, when its value would mislead."""
    repeatable: bool = False
    """The flag may be given again and again; the parser then gets the list of values."""


def setting(
    *,
    env: str,
    default: T,
    parse: Callable[[object], T],
    help: str,
    production: T = _NOT_SET,
    flag: str | None = None,
    switches: tuple[str, ...] = (),
    metavar: str | None = None,
    exclusive: str | None = None,
    shown: str | None = None,
    repeatable: bool = False,
) -> T:
    """Declare one setting as a dataclass field (its default and where else it may come from)."""
    declared = Setting(
        env=env,
        parse=parse,
        help=help,
        production=production,
        flag=flag,
        switches=switches,
        metavar=metavar,
        exclusive=exclusive,
        shown=shown,
        repeatable=repeatable,
    )
    return dataclasses.field(default=default, metadata={_META: declared})


def section(cls: Callable[[], T]) -> T:
    """A field holding one YAML section (a dataclass of settings, all with defaults)."""
    return dataclasses.field(default_factory=cls, metadata={_META: "section"})


@dataclass(frozen=True, slots=True)
class _FamilyMark:
    entry: type
    help: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Family:
    """A mapping from a name (subgraph `accounts`) to an entry dataclass of optional settings."""

    key: str
    entry: type
    help: str
    members: tuple[tuple[str, Setting], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.members)


def family(entry: type[T], *, help: str) -> Mapping[str, T]:
    """A field `Mapping[str, Entry]` filled from `key.<name>.<field>` and `PREFIX_<NAME>`."""

    def empty() -> Mapping[str, T]:
        return MappingProxyType({})

    return dataclasses.field(default_factory=empty, metadata={_META: _FamilyMark(entry, help)})


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """One setting as the loader and the renderers see it."""

    key: str
    """The dotted YAML key: `server.port`, or `mode` at the top level."""
    section: str | None
    name: str
    default: object
    setting: Setting

    def default_in(self, mode: str) -> object:
        production = self.setting.production
        return production if mode == "production" and production is not _NOT_SET else self.default

    @property
    def by_mode(self) -> bool:
        return self.setting.production is not _NOT_SET


def _spec(field: dataclasses.Field[Any], section_name: str | None) -> Spec | None:
    declared = field.metadata.get(_META)
    if not isinstance(declared, Setting):
        return None
    key = field.name if section_name is None else f"{section_name}.{field.name}"
    return Spec(
        key=key, section=section_name, name=field.name, default=field.default, setting=declared
    )


def _settings_of(cls: type, section_name: str | None) -> list[Spec]:
    return [s for f in dataclasses.fields(cls) if (s := _spec(f, section_name)) is not None]


@cache
def specs(root: type) -> tuple[Spec, ...]:
    """Every setting of `root` and of its sections, in declaration order."""
    found: list[Spec] = []
    sections_of = sections(root)
    for field in dataclasses.fields(root):
        if field.name in sections_of:
            found.extend(_settings_of(sections_of[field.name], field.name))
        elif (spec := _spec(field, None)) is not None:
            found.append(spec)
    return tuple(found)


@cache
def families(root: type) -> tuple[Family, ...]:
    """The per-name families of `root` (the subgraphs' URLs and timeouts)."""
    found = []
    for field in dataclasses.fields(root):
        mark = field.metadata.get(_META)
        if isinstance(mark, _FamilyMark):
            members = tuple((s.name, s.setting) for s in _settings_of(mark.entry, None))
            found.append(Family(key=field.name, entry=mark.entry, help=mark.help, members=members))
    return tuple(found)


@cache
def sections(root: type) -> Mapping[str, type]:
    """Section name -> its dataclass, for building the sections from parsed values."""
    return {
        field.name: type(cast(Callable[[], object], field.default_factory)())
        for field in dataclasses.fields(root)
        if field.metadata.get(_META) == "section"
    }


def subgraph_env_name(name: str) -> str:
    """`<NAME>` in `GATEWAY_SUBGRAPH_URL_<NAME>`: upper case, other characters as `_`."""
    return re.sub(r"[^A-Z0-9]", "_", name.upper())
