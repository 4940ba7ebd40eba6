"""Merging the same field's type as several subgraphs declare it.

Output positions take the most general type every subgraph can return (nullable wins, an
interface or union over its members); input positions take the most restrictive (non-null wins).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["SubtypeCheck", "merge_input_types", "merge_output_types"]

SubtypeCheck = Callable[[str, str], bool]
"""`is_subtype(sub, sup)`: True when named type `sub` may stand where `sup` is declared."""


def _unwrap(type_ref: str) -> tuple[bool, str]:
    if type_ref.endswith("!"):
        return True, type_ref[:-1]
    return False, type_ref


def _merge(types: Sequence[str], is_subtype: SubtypeCheck, output: bool) -> str | None:
    flags, inner = zip(*(_unwrap(t) for t in types), strict=True)
    non_null = all(flags) if output else any(flags)
    suffix = "!" if non_null else ""
    lists = [t.startswith("[") for t in inner]
    if any(lists):
        if not all(lists):
            return None
        merged = _merge([str(t)[1:-1] for t in inner], is_subtype, output)
        return None if merged is None else f"[{merged}]{suffix}"
    names: list[str] = list(dict.fromkeys(inner))
    if len(names) == 1:
        return names[0] + suffix
    if not output:
        return None
    for candidate in names:
        if all(other == candidate or is_subtype(other, candidate) for other in names):
            return candidate + suffix
    return None


def merge_output_types(types: Sequence[str], is_subtype: SubtypeCheck) -> str | None:
    """The supergraph type of an output field, or None when the declarations are incompatible."""
    return _merge(types, is_subtype, output=True)


def merge_input_types(types: Sequence[str]) -> str | None:
    """The supergraph type of an argument or input field, or None when incompatible."""
    return _merge(types, lambda _sub, _sup: False, output=False)
