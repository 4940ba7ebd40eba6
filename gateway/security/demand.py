"""Demand control: the estimated cost before planning, the actual cost after execution.

Apollo Router's two modes: `enforce` refuses an operation whose estimated cost is above
`limits.max_cost` (COST_LIMIT_EXCEEDED, before any subgraph is asked) or that breaks
`@listSize(requireOneSlicingArgument:)` (SLICING_ARGUMENT_REQUIRED); `measure` computes and
reports the same and refuses nothing (an overrun is logged). With `limits.expose_cost` the
response carries `extensions.cost`: `estimated`, `actual`, `max`, `mode` and `result`
(COST_OK, COST_ESTIMATED_TOO_EXPENSIVE, COST_ACTUAL_TOO_EXPENSIVE, as Apollo Router names its
results). The actual cost is measured on the response as the client gets it
(`cost_actual.py`).

The estimate is made in `SecurityGuard.authorize` and read back in `SecurityGuard.finish` for
the same request; between the two it waits in a context variable, which belongs to the
request's own task (each request, and each item of a batch, runs in a task of its own).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from gateway.config.security import LimitsConfig
from gateway.operation import PreparedOperation
from gateway.security.cost import COST_LIMIT_EXCEEDED, SLICING_ARGUMENT_REQUIRED, estimate_cost
from gateway.security.cost_actual import actual_cost
from gateway.supergraph import Supergraph

__all__ = ["CostRefusal", "DemandControl"]

log = logging.getLogger("gateway.security")


@dataclass(frozen=True, slots=True)
class CostRefusal:
    """Why demand control refuses the operation: its message and code."""

    message: str
    code: str
    extensions: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Measured:
    supergraph: Supergraph
    prepared: PreparedOperation
    variables: Mapping[str, Any] | None
    estimated: int
    over: bool
    maximum: int


_MEASURED: ContextVar[_Measured | None] = ContextVar("gateway_demand_control", default=None)


class DemandControl:
    """One per guard; on when a cost limit is set or costs are reported."""

    def __init__(self, limits: LimitsConfig, *, per_app: bool = False) -> None:
        """`per_app`: some apps have a cost cap of their own (`apps.<name>.max_cost`)."""
        self._max = limits.max_cost
        self._default_size = limits.default_list_size
        self._enforce = limits.cost_mode == "enforce"
        self._mode = limits.cost_mode
        self._expose = limits.expose_cost
        self.active = bool(self._max) or self._expose or per_app

    def check(
        self,
        supergraph: Supergraph,
        prepared: PreparedOperation,
        variables: Mapping[str, Any] | None,
        limit: int | None = None,
    ) -> CostRefusal | None:
        """Estimate the operation's cost; the refusal in `enforce` mode, else None. `limit`
        (an app's own cap) replaces `limits.max_cost`."""
        maximum = self._max if limit is None else limit
        estimate = estimate_cost(
            supergraph, prepared.fragments, prepared.operation, variables, self._default_size
        )
        over = bool(maximum) and estimate.cost > maximum
        _MEASURED.set(_Measured(supergraph, prepared, variables, estimate.cost, over, maximum))
        extensions = {"cost": {"estimated": estimate.cost, "max": maximum or None}}
        if estimate.problems and self._enforce:
            message = " ".join(estimate.problems)
            return CostRefusal(message, SLICING_ARGUMENT_REQUIRED, extensions)
        if not over:
            return None
        message = f"The operation's estimated cost is {estimate.cost}; the limit is {maximum}."
        if self._enforce:
            return CostRefusal(message, COST_LIMIT_EXCEEDED, extensions)
        log.warning("demand control (measure): %s", message)
        return None

    def estimated(self) -> int | None:
        """The current request's estimated cost, once `check` has run for it."""
        measured = _MEASURED.get()
        return measured.estimated if measured is not None else None

    def report(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` with `extensions.cost` when costs are reported and this request was costed."""
        measured = _MEASURED.get()
        if measured is None or not self._expose:
            return body
        _MEASURED.set(None)
        prepared = measured.prepared
        actual = actual_cost(
            measured.supergraph,
            prepared.fragments,
            prepared.operation,
            measured.variables,
            body.get("data"),
        )
        result = "COST_OK"
        if measured.over:
            result = "COST_ESTIMATED_TOO_EXPENSIVE"
        elif measured.maximum and actual > measured.maximum:
            result = "COST_ACTUAL_TOO_EXPENSIVE"
        cost = {
            "estimated": measured.estimated,
            "actual": actual,
            "max": measured.maximum or None,
            "mode": self._mode,
            "result": result,
        }
        extensions = body.get("extensions")
        merged = {**extensions, "cost": cost} if isinstance(extensions, dict) else {"cost": cost}
        return {**body, "extensions": merged}
