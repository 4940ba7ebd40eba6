"""`Authorizer`: which fields a caller may see, from the supergraph's directives and the claims.

Requirements are read once per supergraph (a recomposition brings a new object). `@policy`
groups are decided by a Python hook named in the config as `module:function`, called with the
group's policy names and the caller's `Claims`; without a hook every policy is refused, which
fails closed. A plugin may decide instead (`authorize_policies`, `gateway/plugins/`): the
server hands its method here; naming both is a start-up error, so one place decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from gateway.config.security import AuthorizationConfig
from gateway.operation import PreparedOperation
from gateway.references import load_reference
from gateway.security.authentication import Claims
from gateway.security.authorization import PolicyHook, deny_policies, guarded_fields, satisfies
from gateway.security.directives import Requirement, read_requirements
from gateway.supergraph import Supergraph

__all__ = ["Authorizer", "load_policy_hook"]


def load_policy_hook(target: str | None) -> PolicyHook:
    """The function `module:function` names (checked at start-up, so a typo fails early)."""
    if target is None:
        return deny_policies
    function = load_reference(target, "authorization.policy_hook")
    if not callable(function):
        raise ValueError(f"authorization.policy_hook: {target} is not a function")
    hook: PolicyHook = function
    return hook


class Authorizer:
    """Decides field by field for one request."""

    def __init__(self, config: AuthorizationConfig, hook: PolicyHook | None = None) -> None:
        self.reject = config.reject_unauthorized
        if hook is not None and config.policy_hook is not None:
            raise ValueError(
                "@policy is decided twice: by authorization.policy_hook and by a plugin's "
                "authorize_policies; keep one"
            )
        self._hook = hook or load_policy_hook(config.policy_hook)
        self._source: Supergraph | None = None
        self._requirements: Mapping[tuple[str, str], Requirement] = {}

    def _requirements_of(self, supergraph: Supergraph) -> Mapping[tuple[str, str], Requirement]:
        if supergraph is not self._source:
            self._requirements = read_requirements(supergraph)
            self._source = supergraph
        return self._requirements

    def guarded(
        self, supergraph: Supergraph, prepared: PreparedOperation
    ) -> tuple[tuple[str, str], ...]:
        """The fields with a requirement that `prepared` selects (once per document)."""
        requirements = self._requirements_of(supergraph)
        return guarded_fields(
            supergraph.api_schema, prepared, lambda type_, name: (type_, name) in requirements
        )

    def allowed(self, supergraph: Supergraph, claims: Claims) -> Callable[[str, str], bool]:
        requirements = self._requirements_of(supergraph)
        verdicts: dict[tuple[str, str], bool] = {}

        def allowed(type_name: str, field_name: str) -> bool:
            key = (type_name, field_name)
            requirement = requirements.get(key)
            if requirement is None:
                return True
            if key not in verdicts:
                verdicts[key] = satisfies(requirement, claims, self._hook)
            return verdicts[key]

        return allowed
