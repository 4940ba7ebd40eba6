"""Per-contract settings: a `@tag`-filtered API schema and the path that serves it."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config.declare import setting
from gateway.config.parsers import boolean, names, optional_url_path

__all__ = ["ContractSettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractSettings:
    """One contract (`gateway/contracts/`): the tags it keeps and drops, where it is served."""

    include: tuple[str, ...] = setting(
        env="GATEWAY_CONTRACT_INCLUDE_<NAME>",
        parse=names,
        default=(),
        help="@tag names whose fields the contract keeps (empty: every field not excluded)",
    )
    exclude: tuple[str, ...] = setting(
        env="GATEWAY_CONTRACT_EXCLUDE_<NAME>",
        parse=names,
        default=(),
        help="@tag names the contract hides (wins over include)",
    )
    hide_unreachable_types: bool = setting(
        env="GATEWAY_CONTRACT_HIDE_UNREACHABLE_<NAME>",
        parse=boolean,
        default=True,
        help="hide types no field of the contract leads to",
    )
    path: str | None = setting(
        env="GATEWAY_CONTRACT_PATH_<NAME>",
        parse=optional_url_path,
        default=None,
        help="serve the contract at this path too (e.g. /partner/graphql; none: not served)",
    )
