"""Rules that keep the API schema whole once `@inaccessible` parts are removed from it."""

from __future__ import annotations

from collections.abc import Iterator

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.model import base_type
from gateway.composition.supermodel import Supergraph, SuperType

__all__ = ["validate_inaccessible"]


def _where(stype: SuperType, coordinate: str) -> tuple[Location, ...]:
    return tuple(
        Location(subgraph=graph, coordinate=coordinate, line=typedef.line)
        for graph, typedef in stype.sources.items()
    )


def _references(stype: SuperType) -> Iterator[tuple[str, str]]:
    """(coordinate, referenced type) for every accessible reference a type makes."""
    for sfield in stype.fields.values():
        if sfield.carried.inaccessible:
            continue
        yield f"{stype.name}.{sfield.name}", base_type(sfield.type)
        for arg in sfield.args.values():
            if not arg.carried.inaccessible:
                yield f"{stype.name}.{sfield.name}({arg.name}:)", base_type(arg.type)
    for arg in stype.input_fields.values():
        if not arg.carried.inaccessible:
            yield f"{stype.name}.{arg.name}", base_type(arg.type)
    for name in (*stype.interfaces, *stype.members):
        yield stype.name, name


def _children(stype: SuperType) -> list[bool]:
    """For each child (field, input field, value): whether it is inaccessible."""
    carried = [f.carried for f in stype.fields.values()]
    carried += [a.carried for a in stype.input_fields.values()]
    carried += [v.carried for v in stype.values.values()]
    return [c.inaccessible for c in carried]


def validate_inaccessible(supergraph: Supergraph) -> list[CompositionError]:
    """REFERENCED_INACCESSIBLE and ONLY_INACCESSIBLE_CHILDREN."""
    errors: list[CompositionError] = []
    hidden = {name for name, t in supergraph.types.items() if t.carried.inaccessible}
    for stype in supergraph.types.values():
        if stype.carried.inaccessible:
            continue
        for coordinate, target in _references(stype):
            if target in hidden and stype.kind != "union" and target not in stype.interfaces:
                message = (
                    f'Type "{target}" is @inaccessible but is referenced by "{coordinate}", '
                    f"which is in the API schema."
                )
                errors.append(
                    CompositionError(
                        code=codes.REFERENCED_INACCESSIBLE,
                        message=message,
                        locations=_where(stype, coordinate),
                    )
                )
        children = _children(stype)
        if children and all(children):
            what = "values" if stype.kind == "enum" else "fields"
            message = (
                f'Type "{stype.name}" is in the API schema but all of its {what} are @inaccessible.'
            )
            errors.append(
                CompositionError(
                    code=codes.ONLY_INACCESSIBLE_CHILDREN,
                    message=message,
                    locations=_where(stype, stype.name),
                )
            )
    return errors
