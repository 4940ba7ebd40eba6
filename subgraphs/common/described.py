"""Typed `@field(description=...)` and `@mutation(description=...)` decorators.

Strawberry types `strawberry.field(description=...)` as returning `Any`, which `mypy --strict`
reports as an untyped decorator on every resolver. These wrappers give the decorator the same
type as bare `@strawberry.field` (the resolver's own type), so descriptions cost no `# type:
ignore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

__all__ = ["field", "mutation"]

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    """`@strawberry.field(description=...)`, typed."""
    return cast(Callable[[F], F], strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    """`@strawberry.mutation(description=...)`, typed."""
    return cast(Callable[[F], F], strawberry.mutation(description=description))
