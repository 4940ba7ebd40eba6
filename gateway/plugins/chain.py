"""`PluginChain`: the loaded plugins' hooks, found once, and how each kind of hook is run.

A plugin is any Python object; each hook it defines is an `async def` method of a known name
(a plain function there is a start-up error, not a surprise at the first request). The chain
looks them up once, at start-up, into one tuple per hook, so the server checks once whether
there is anything to call at all and a hook no plugin defines costs nothing.

Order, as in middleware: hooks on the way in (`on_request`, `on_operation`, `on_plan`,
`on_subgraph_request`) run in registration order; hooks on the way out
(`on_subgraph_response`, `on_error`, `on_response`) run in reverse, so the first plugin
registered sees the request first and the response last.

A hook that raises anything but `Refuse` is a bug in the plugin: it is logged with its
traceback and the client gets a masked `PLUGIN_ERROR` (500), never the exception's text.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.plugins.context import (
    ErrorInfo,
    IncomingRequest,
    OperationInfo,
    OutgoingResponse,
    PlanInfo,
    Refuse,
    RequestScope,
    SubgraphCall,
)
from gateway.security import PolicyHook

__all__ = ["HOOKS", "PLUGIN_ERROR", "PluginChain", "PluginRefusal", "PolicyHook"]

log = logging.getLogger("gateway.plugins")

PLUGIN_ERROR = "PLUGIN_ERROR"
HOOKS = (
    "on_request",
    "on_operation",
    "on_plan",
    "on_subgraph_request",
    "on_subgraph_response",
    "on_response",
    "on_error",
)
_OUTBOUND = frozenset({"on_subgraph_response", "on_response", "on_error"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginRefusal:
    """A request a plugin turned away (`Refuse`), or one a failing plugin could not serve."""

    message: str
    code: str
    status: int
    extensions: dict[str, Any] | None = None


FAILED = PluginRefusal(
    message="A gateway plugin failed while handling this request.",
    code=PLUGIN_ERROR,
    status=500,
)


class PluginChain:
    """The hooks of `plugins`, in the order they run."""

    def __init__(self, plugins: Sequence[object]) -> None:
        self.plugins = tuple(plugins)
        self.on_request = self._hooks("on_request")
        self.on_operation = self._hooks("on_operation")
        self.on_plan = self._hooks("on_plan")
        self.on_subgraph_request = self._hooks("on_subgraph_request")
        self.on_subgraph_response = self._hooks("on_subgraph_response")
        self.on_error = self._hooks("on_error")
        self.on_response = self._hooks("on_response")
        self.policy_hook = self._policy_hook()

    @property
    def active(self) -> bool:
        """Whether any plugin has a request hook (`authorize_policies` alone is not one)."""
        return any(getattr(self, name) for name in HOOKS)

    @property
    def touches_subgraphs(self) -> bool:
        return bool(self.on_subgraph_request or self.on_subgraph_response)

    def _hooks(self, name: str) -> tuple[Callable[[Any], Awaitable[None]], ...]:
        found = []
        for plugin in self.plugins:
            hook = getattr(plugin, name, None)
            if hook is None:
                continue
            if not inspect.iscoroutinefunction(hook):
                raise TypeError(f"plugin {_name(plugin)}: {name} must be an `async def` method")
            found.append(hook)
        return tuple(reversed(found)) if name in _OUTBOUND else tuple(found)

    def _policy_hook(self) -> PolicyHook | None:
        """The one plugin method `authorize_policies(policies, claims) -> bool`, if any."""
        hooks = [h for p in self.plugins if (h := getattr(p, "authorize_policies", None))]
        if len(hooks) > 1:
            raise TypeError("only one plugin may define authorize_policies (it decides @policy)")
        if hooks and (inspect.iscoroutinefunction(hooks[0]) or not callable(hooks[0])):
            raise TypeError("authorize_policies must be a plain (not async) method")
        return hooks[0] if hooks else None

    async def request(self, ctx: IncomingRequest) -> PluginRefusal | None:
        return await _refusable(self.on_request, ctx)

    async def operation(self, ctx: OperationInfo) -> PluginRefusal | None:
        return await _refusable(self.on_operation, ctx)

    async def plan(self, ctx: PlanInfo) -> PluginRefusal | None:
        return await _refusable(self.on_plan, ctx)

    async def error(self, ctx: ErrorInfo) -> bool:
        """Run `on_error`; False when a hook failed (the answer is then masked)."""
        return await _run(self.on_error, ctx)

    async def masked_errors(
        self, scope: RequestScope, status: int, errors: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """`on_error` over `errors` where a failing hook can no longer turn the whole answer
        into a masked 500 (a streamed answer under way): the errors the hooks left, or one
        masked `PLUGIN_ERROR` error when a hook failed."""
        info = ErrorInfo(scope=scope, status=status, errors=[dict(e) for e in errors])
        if await self.error(info):
            return info.errors
        return [{"message": FAILED.message, "extensions": {"code": PLUGIN_ERROR}}]

    async def response(self, ctx: OutgoingResponse) -> bool:
        """Run `on_response`; False when a hook failed (the answer is then masked)."""
        return await _run(self.on_response, ctx)

    async def subgraph_request(self, ctx: SubgraphCall) -> bool:
        """Run `on_subgraph_request` until one answers (`ctx.result`); False on a failure."""
        for hook in self.on_subgraph_request:
            try:
                await hook(ctx)
            except Exception:
                _log_failure(hook)
                return False
            if ctx.result is not None:
                break
        return True

    async def subgraph_response(self, ctx: SubgraphCall) -> bool:
        return await _run(self.on_subgraph_response, ctx)


async def _refusable(
    hooks: tuple[Callable[[Any], Awaitable[None]], ...], ctx: object
) -> PluginRefusal | None:
    for hook in hooks:
        try:
            await hook(ctx)
        except Refuse as refusal:
            extensions = dict(refusal.extensions) if refusal.extensions else None
            return PluginRefusal(
                message=refusal.message,
                code=refusal.code,
                status=refusal.status,
                extensions=extensions,
            )
        except Exception:
            _log_failure(hook)
            return FAILED
    return None


async def _run(hooks: tuple[Callable[[Any], Awaitable[None]], ...], ctx: object) -> bool:
    for hook in hooks:
        try:
            await hook(ctx)
        except Exception:
            _log_failure(hook)
            return False
    return True


def _log_failure(hook: Callable[..., object]) -> None:
    owner = getattr(hook, "__self__", hook)
    log.exception("plugin %s failed in %s", _name(owner), getattr(hook, "__name__", "a hook"))


def _name(plugin: object) -> str:
    cls = plugin if isinstance(plugin, type) else type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"
