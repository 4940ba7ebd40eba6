"""Usage seen by a running gateway (`gateway diff --usage`): its per-client field counters.

`gateway_client_field_usage_total` (`metrics.field_usage`) holds the `Type.field` coordinates
executed operations selected, for every client. The counters do not say which arguments,
fragments or directives were used, so this errs on the side of "used": every argument of a used
field, its parent and return types (with every input type its arguments take) and every
directive count as used. A removal no client has selected since the counters started is then
reported `breaking-unused`; over a fixed period, export the counters from Prometheus
(`increase(...[30d])`) into a scrape-format file and pass that instead.
"""

from __future__ import annotations

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from gateway.telemetry.usage_report import read_usage

from .usage import Usage

__all__ = ["usage_from_scrape"]


def _with_inputs(named: GraphQLNamedType, found: set[str]) -> None:
    if named.name in found:
        return
    found.add(named.name)
    if isinstance(named, GraphQLInputObjectType):
        for field in named.fields.values():
            _with_inputs(get_named_type(field.type), found)


def usage_from_scrape(schema: GraphQLSchema, scrape: str) -> Usage:
    """What a gateway's field counters say clients use of `schema`."""
    usage = read_usage(scrape)
    found = {f"@{directive.name}" for directive in schema.directives}
    for coordinate in {c for client in usage.values() for c in client.fields}:
        type_name, _, field_name = coordinate.partition(".")
        owner = schema.get_type(type_name)
        if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            continue
        field = owner.fields.get(field_name)
        if field is None:
            continue
        found.add(coordinate)
        found.add(type_name)
        _with_inputs(get_named_type(field.type), found)
        for arg_name, arg in field.args.items():
            found.add(f"{coordinate}({arg_name}:)")
            _with_inputs(get_named_type(arg.type), found)
    operations = sum(sum(client.operations.values()) for client in usage.values())
    return Usage(coordinates=frozenset(found), operations=operations)
