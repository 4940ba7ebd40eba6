"""Turning introspection off (production's default): `__schema` and `__type` are refused.

`__typename` stays allowed, since clients need it to read unions and interfaces. Whether an
operation asks for introspection, at any depth and through fragments, is one of the facts the
operation stage measures once per document (`OperationFacts.introspection`); the guard reads it.
"""

from __future__ import annotations

__all__ = ["INTROSPECTION_DISABLED"]

INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
