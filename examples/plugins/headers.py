"""Header propagation rules per subgraph: forward, rename, set and remove, as Apollo Router's
`headers:` section does, in a dozen lines of Python.

    plugins:
      - use: examples.plugins.headers:HeaderPropagation
        config:
          all:                              # every subgraph
            forward: [x-request-id]
            set: {x-gateway: edge-1}
          subgraphs:
            people:                         # this subgraph only, after `all`
              forward: [x-tenant]
              rename: {x-client-name: x-caller}
              remove: [x-gateway]

Per subgraph, `all` applies first, then the subgraph's own rules, each in the order forward,
rename, set, remove. `forward` is the gateway's own rules object (`HeaderPolicy`, what
`headers.forward` uses): listed client headers only, lowercase, the first of repeated ones.
`rename` sends a client header under another name; `set` sends a fixed value; `remove` drops a
header an earlier rule (or the `headers.forward` setting) set.

The rules are built once per subgraph, at start-up; a subgraph request costs a few dict
operations. For plain forwarding to every subgraph, `headers.forward` is cheaper still
(docs/plugins.md). Headers set here are not part of the inbound deduplication key: with
`performance.inbound_dedup` on, forward per-client headers with the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.config.parsers import lower_names
from gateway.headers import HeaderPolicy
from gateway.plugins import SubgraphCall

__all__ = ["HeaderPropagation", "Rules"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """One subgraph's rules, `all` and its own merged in order."""

    forward: HeaderPolicy
    rename: tuple[tuple[str, str], ...]
    set: tuple[tuple[str, str], ...]
    remove: tuple[str, ...]

    @classmethod
    def of(cls, *sections: Mapping[str, Any]) -> Rules:
        forward: list[str] = []
        rename: list[tuple[str, str]] = []
        fixed: list[tuple[str, str]] = []
        remove: list[str] = []
        for section in sections:
            unknown = set(section) - {"forward", "rename", "set", "remove"}
            if unknown:
                raise ValueError(f"unknown header rules: {', '.join(sorted(unknown))}")
            forward += lower_names(section.get("forward", ()))
            rename += [(str(a).lower(), str(b).lower()) for a, b in _pairs(section, "rename")]
            fixed += [(str(a).lower(), str(b)) for a, b in _pairs(section, "set")]
            remove += lower_names(section.get("remove", ()))
        return cls(
            forward=HeaderPolicy(tuple(forward)),
            rename=tuple(rename),
            set=tuple(fixed),
            remove=tuple(remove),
        )

    def apply(self, client: Mapping[str, str], headers: dict[str, str]) -> None:
        headers.update(self.forward.forwarded(client))
        for source, target in self.rename:
            value = client.get(source)
            if value is not None:
                headers[target] = value
        headers.update(self.set)
        for name in self.remove:
            headers.pop(name, None)


class HeaderPropagation:
    def __init__(self, config: Mapping[str, Any]) -> None:
        common = config.get("all") or {}
        per_subgraph = config.get("subgraphs") or {}
        self._all = Rules.of(common)
        self._by_subgraph = {
            str(name): Rules.of(common, rules or {}) for name, rules in per_subgraph.items()
        }

    async def on_subgraph_request(self, ctx: SubgraphCall) -> None:
        if ctx.scope is None:
            return
        rules = self._by_subgraph.get(ctx.service_name, self._all)
        rules.apply(ctx.scope.headers, ctx.headers)


def _pairs(section: Mapping[str, Any], name: str) -> list[tuple[object, object]]:
    found = section.get(name) or {}
    if not isinstance(found, Mapping):
        raise ValueError(f"{name}: a mapping of header names")
    return list(found.items())
