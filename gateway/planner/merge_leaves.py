"""Plan optimisation: merge a leaf fetch into a later fetch to the same subgraph and place.

The walker keeps a fetch that needs `@requires` inputs apart from its plain sibling at the
same path (`... on Product { inStock }` beside `... on Product { shippingEstimate }`), so the
plain one need not wait for the inputs. When nothing waits for the plain one (a leaf) and the
other already waits for everything the leaf waits for, one request can carry both without
making the plan slower: the later fetch is on the critical path anyway. Hive Router's
`merge_leafs.rs` makes the same move; each guard below says what merging would break.
"""

from __future__ import annotations

from gateway.planner.groups import Group
from gateway.planner.selections import FieldItem, FragmentItem, Sel

__all__ = ["merge_leaf_fetches"]


def _ancestors(group: Group, by_id: dict[int, Group]) -> set[int]:
    found: set[int] = set()
    stack = list(group.parents)
    while stack:
        current = stack.pop()
        if current in found or current not in by_id:
            continue
        found.add(current)
        stack.extend(by_id[current].parents)
    return found


def _compatible(target: Sel, source: Sel) -> bool:
    """Whether `source` can be merged into `target` without changing either's meaning."""
    for key, item in source.items.items():
        other = target.items.get(key)
        if other is None:
            continue
        if isinstance(item, FieldItem) != isinstance(other, FieldItem):
            return False
        if isinstance(item, FieldItem) and isinstance(other, FieldItem):
            if item.name != other.name or item.arguments != other.arguments:
                return False
            if (item.sub is None) != (other.sub is None):
                return False
        if item.sub is not None and other.sub is not None and not _compatible(other.sub, item.sub):
            return False
    return True


def _merge(target: Sel, source: Sel) -> None:
    for key, item in source.items.items():
        other = target.items.get(key)
        if other is None:
            target.items[key] = item
        elif isinstance(other, FieldItem | FragmentItem) and other.sub is not None:
            assert item.sub is not None
            _merge(other.sub, item.sub)


def _can_merge(leaf: Group, target: Group, by_id: dict[int, Group]) -> bool:
    if leaf is target or not (leaf.entity and target.entity):
        return False  # root fetches keep their own operation
    if (leaf.service, leaf.path, leaf.conditions) != (
        target.service,
        target.path,
        target.conditions,
    ):
        return False  # another subgraph, another place, or another @skip/@include guard
    if leaf.input_rewrites != target.input_rewrites:
        return False  # representations built differently (aliased or retyped inputs)
    if leaf.context_rewrites or target.context_rewrites:
        return False  # context variables are numbered per fetch and split its request
    target_waits = _ancestors(target, by_id)
    if leaf.id in target_waits or target.id in _ancestors(leaf, by_id):
        return False  # one feeds the other: merged, the fetch would wait for itself
    if not leaf.parents <= target_waits:
        return False  # the leaf's inputs might not be ready when the target runs
    return _compatible(target.selection, leaf.selection) and _compatible(
        target.requires, leaf.requires
    )


def merge_leaf_fetches(groups: list[Group]) -> list[Group]:
    """The groups with every mergeable leaf folded into a fetch that already runs later."""
    by_id = {group.id: group for group in groups}
    waited_for = {parent for group in groups for parent in group.parents}
    merged: set[int] = set()
    for leaf in groups:
        if leaf.id in waited_for:
            continue  # a fetch others wait for would delay them
        target = next(
            (g for g in groups if g.id not in merged and _can_merge(leaf, g, by_id)), None
        )
        if target is None:
            continue
        _merge(target.selection, leaf.selection)
        _merge(target.requires, leaf.requires)
        merged.add(leaf.id)
        del by_id[leaf.id]
    return [group for group in groups if group.id not in merged]
