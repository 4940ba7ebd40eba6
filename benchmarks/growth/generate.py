"""Generated supergraphs and queries of a chosen size, for the planning-cost benchmarks.

`subgraphs` subgraphs each own `types_per_subgraph` entity types. Type `T{s}_{j}` (owned by
subgraph s) has a `next` field to `T{s+1}_{j}`, owned by the next subgraph, so a query that
follows `next` d times needs d sequential entity fetches, each in another subgraph. A query's
width is how many scalar fields it selects at each level.
"""

from __future__ import annotations

__all__ = ["chain_query", "generated_services"]

_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])'
)
_SCALARS = ("name", "label", "count", "score", "flag", "code")


def _type_name(subgraph: int, index: int, subgraphs: int) -> str:
    return f"T{subgraph % subgraphs}_{index}"


def _subgraph_sdl(s: int, subgraphs: int, types_per_subgraph: int) -> str:
    lines = [_LINK, f"type Query {{ root{s}: T{s}_0 }}"]
    for j in range(types_per_subgraph):
        nxt = _type_name(s + 1, j, subgraphs)
        lines.append(
            f'type T{s}_{j} @key(fields: "id") {{ id: ID! name: String label: String '
            f"count: Int score: Float flag: Boolean code: String next: {nxt} }}"
        )
        if nxt != f"T{s}_{j}":
            lines.append(f'type {nxt} @key(fields: "id", resolvable: false) {{ id: ID! }}')
    return "\n".join(lines) + "\n"


def generated_services(subgraphs: int, types_per_subgraph: int) -> list[dict[str, str]]:
    """`{name, typeDefs, url}` for every generated subgraph."""
    return [
        {
            "name": f"s{s}",
            "typeDefs": _subgraph_sdl(s, subgraphs, types_per_subgraph),
            "url": f"http://s{s}.invalid/graphql",
        }
        for s in range(subgraphs)
    ]


def chain_query(depth: int, width: int) -> str:
    """`{ root0 { <width fields> next { <width fields> next { ... } } } }`, `depth` hops deep."""
    fields = " ".join(("id", *_SCALARS)[: max(1, width)])
    inner = fields
    for _ in range(depth):
        inner = f"{fields} next {{ {inner} }}"
    return f"query Chain {{ root0 {{ {inner} }} }}"
