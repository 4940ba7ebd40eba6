"""Merging carried directives and descriptions of one element across subgraphs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from graphql.language.print_string import print_string

from gateway.composition.model import Carried, ListSize

__all__ = ["join_cache_tags", "merge_carried", "pick_description"]


def _unique(items: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Each inner list is an AND of requirements: order it, and drop repeated alternatives."""
    return list(dict.fromkeys(tuple(sorted(set(inner))) for inner in items))


def _list_size(sizes: Sequence[ListSize]) -> ListSize | None:
    if not sizes:
        return None
    assumed = [s.assumed_size for s in sizes if s.assumed_size is not None]
    slicing = [a for s in sizes for a in s.slicing_arguments or ()]
    sized = [f for s in sizes for f in s.sized_fields or ()]
    return ListSize(
        assumed_size=max(assumed) if assumed else None,
        slicing_arguments=tuple(dict.fromkeys(slicing)) or None,
        sized_fields=tuple(dict.fromkeys(sized)) or None,
        require_one_slicing_argument=all(s.require_one_slicing_argument for s in sizes),
    )


def merge_carried(items: Sequence[Carried]) -> Carried:
    """Inaccessible or authenticated if any says so; tags, scopes, policies unioned; max cost."""
    costs = [c.cost for c in items if c.cost is not None]
    deprecated = [c.deprecated for c in items if c.deprecated is not None]
    specified_by = [c.specified_by for c in items if c.specified_by is not None]
    return Carried(
        inaccessible=any(c.inaccessible for c in items),
        tags=list(dict.fromkeys(t for c in items for t in c.tags)),
        authenticated=any(c.authenticated for c in items),
        scopes=_unique(s for c in items for s in c.scopes),
        policies=_unique(p for c in items for p in c.policies),
        cost=max(costs) if costs else None,
        list_size=_list_size([c.list_size for c in items if c.list_size is not None]),
        deprecated=deprecated[0] if deprecated else None,
        specified_by=specified_by[0] if specified_by else None,
        custom=list(dict.fromkeys(d for c in items for d in c.custom)),
    )


def join_cache_tags(carried: Mapping[str, Carried], enum_values: Mapping[str, str]) -> list[str]:
    """`@cacheTag(format:)` of each subgraph as Apollo's composition writes it in the
    supergraph: one `@join__directive` per format, naming the graphs that apply it."""
    graphs: dict[str, list[str]] = {}
    for graph, item in carried.items():
        for fmt in item.cache_tags:
            graphs.setdefault(fmt, []).append(enum_values[graph])
    return [
        f'@join__directive(graphs: [{", ".join(names)}], name: "federation__cacheTag", '
        f"args: {{format: {print_string(fmt)}}})"
        for fmt, names in graphs.items()
    ]


def pick_description(descriptions: Iterable[str | None]) -> str | None:
    """The description most subgraphs agree on; the first one seen breaks ties."""
    counts = Counter(d for d in descriptions if d)
    if not counts:
        return None
    return counts.most_common(1)[0][0]
