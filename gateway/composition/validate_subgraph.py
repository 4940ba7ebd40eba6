"""Rules checked on each subgraph alone, before merging: field sets, externals, overrides, types.

Each message starts with `[subgraph]` like Apollo's, and each error's location names the subgraph,
the schema coordinate and the line.
"""

from __future__ import annotations

from gateway.composition.errors import CompositionError, Location, codes
from gateway.composition.fieldsets import (
    BUILTIN_SCALARS,
    FieldSetProblem,
    check_field_set,
    selected_fields,
)
from gateway.composition.model import Field, Subgraph, TypeDef, base_type
from gateway.composition.validate_context import context_owners, parse_reference, validate_contexts

__all__ = ["validate_subgraph"]

_KEY_CODES = {
    "args": codes.KEY_FIELDS_HAS_ARGS,
    "abstract": codes.KEY_FIELDS_SELECT_INVALID_TYPE,
}


def _error(
    subgraph: Subgraph, code: str, message: str, coordinate: str, line: int | None
) -> CompositionError:
    return CompositionError(
        code=code,
        message=f"[{subgraph.name}] {message}",
        locations=(Location(subgraph=subgraph.name, coordinate=coordinate, line=line),),
    )


def _describe(problem: FieldSetProblem) -> str:
    match problem.kind:
        case "syntax":
            return f'"{problem.detail}" is not a valid field set'
        case "unknown":
            type_name = problem.coordinate.rpartition(".")[0]
            return f'Cannot query field "{problem.detail}" on type "{type_name}"'
        case "args":
            return f'field "{problem.coordinate}" cannot be included because it has arguments'
        case "abstract":
            return f'field "{problem.coordinate}" is a {problem.detail} type which is not allowed'
        case "composite":
            return f'field "{problem.coordinate}" of type "{problem.detail}" needs a sub-selection'
        case _:
            return (
                f'field "{problem.coordinate}" of type "{problem.detail}" '
                f"cannot have a sub-selection"
            )


def _check_keys(subgraph: Subgraph, typedef: TypeDef) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for key in typedef.keys:
        for problem in check_field_set(subgraph, typedef.name, key.fields):
            code = _KEY_CODES.get(problem.kind, codes.KEY_INVALID_FIELDS)
            message = (
                f'On type "{typedef.name}", for @key(fields: "{key.fields}"): {_describe(problem)}'
            )
            errors.append(_error(subgraph, code, message, typedef.name, key.line))
    return errors


def _check_requires(subgraph: Subgraph, typedef: TypeDef, field: Field) -> list[CompositionError]:
    assert field.requires is not None
    coordinate = f"{typedef.name}.{field.name}"
    where = f'On field "{coordinate}", for @requires(fields: "{field.requires}")'
    # Fields with arguments may be required (Apollo allows it since federation 2.1.2).
    problems = [
        p for p in check_field_set(subgraph, typedef.name, field.requires) if p.kind != "args"
    ]
    errors = [
        _error(
            subgraph,
            codes.REQUIRES_INVALID_FIELDS,
            f"{where}: {_describe(p)}",
            coordinate,
            field.line,
        )
        for p in problems
    ]
    if problems:
        return errors
    for selected in sorted(selected_fields(subgraph, typedef.name, field.requires)):
        type_name, _, name = selected.partition(".")
        target = subgraph.types[type_name].fields.get(name)
        if type_name == typedef.name and target is not None and not target.external:
            errors.append(
                _error(
                    subgraph,
                    codes.REQUIRES_FIELDS_MISSING_EXTERNAL,
                    f'{where}: field "{selected}" should not be part of a @requires since it is '
                    f"already provided by this subgraph (it is not marked @external)",
                    coordinate,
                    field.line,
                )
            )
    return errors


def _check_provides(subgraph: Subgraph, typedef: TypeDef, field: Field) -> list[CompositionError]:
    assert field.provides is not None
    coordinate = f"{typedef.name}.{field.name}"
    target = base_type(field.type)
    target_def = subgraph.types.get(target)
    if target_def is None or target_def.kind not in ("object", "interface", "union"):
        message = (
            f'Invalid @provides directive on field "{coordinate}": field has type "{field.type}" '
            f"which is not a Composite Type"
        )
        return [
            _error(subgraph, codes.PROVIDES_ON_NON_OBJECT_FIELD, message, coordinate, field.line)
        ]
    where = f'On field "{coordinate}", for @provides(fields: "{field.provides}")'
    problems = check_field_set(subgraph, target, field.provides)
    errors = [
        _error(
            subgraph,
            codes.PROVIDES_FIELDS_HAS_ARGS if p.kind == "args" else codes.PROVIDES_INVALID_FIELDS,
            f"{where}: {_describe(p)}",
            coordinate,
            field.line,
        )
        for p in problems
    ]
    if problems or subgraph.is_fed1:
        return errors
    for selected in sorted(selected_fields(subgraph, target, field.provides)):
        type_name, _, name = selected.partition(".")
        provided = subgraph.types[type_name].fields.get(name)
        if type_name == target and provided is not None and not provided.external:
            errors.append(
                _error(
                    subgraph,
                    codes.PROVIDES_FIELDS_MISSING_EXTERNAL,
                    f'{where}: field "{selected}" should not be part of a @provides since it is '
                    f"already provided by this subgraph (it is not marked @external)",
                    coordinate,
                    field.line,
                )
            )
    return errors


def _used_externals(subgraph: Subgraph) -> set[str]:
    """Coordinates that a key, `@requires`, `@provides` or an interface gives a use to."""
    used: set[str] = set()
    for typedef in subgraph.types.values():
        for key in typedef.keys:
            used |= selected_fields(subgraph, typedef.name, key.fields)
        for interface in typedef.interfaces:
            interface_def = subgraph.types.get(interface)
            if interface_def is not None:
                used |= {f"{typedef.name}.{name}" for name in interface_def.fields}
        for field in typedef.fields.values():
            if field.requires:
                used |= selected_fields(subgraph, typedef.name, field.requires)
            if field.provides:
                used |= selected_fields(subgraph, base_type(field.type), field.provides)
    return used | _context_uses(subgraph)


def _context_uses(subgraph: Subgraph) -> set[str]:
    """Coordinates a `@fromContext` selection reads on the types that set its context."""
    owners = context_owners(subgraph)
    used: set[str] = set()
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            for argument in field.args.values():
                reference = parse_reference(argument.from_context or "")
                if reference is None:
                    continue
                text = reference.selection.strip()
                if text.startswith("{") and text.endswith("}"):
                    text = text[1:-1]
                for owner in owners.get(reference.context, ()):
                    used |= selected_fields(subgraph, owner, text)
    return used


def _check_field(
    subgraph: Subgraph, typedef: TypeDef, field: Field, used: set[str]
) -> list[CompositionError]:
    errors: list[CompositionError] = []
    coordinate = f"{typedef.name}.{field.name}"
    if field.requires is not None:
        errors += _check_requires(subgraph, typedef, field)
    if field.provides is not None:
        errors += _check_provides(subgraph, typedef, field)
    if field.override_from == subgraph.name:
        message = (
            f'Source and destination subgraphs "{subgraph.name}" are the same for overridden '
            f'field "{coordinate}"'
        )
        errors.append(
            _error(subgraph, codes.OVERRIDE_FROM_SELF_ERROR, message, coordinate, field.line)
        )
    if field.override_from is not None and field.external:
        message = (
            f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph.name}" '
            f'since "{coordinate}" on "{subgraph.name}" is marked with directive "@external"'
        )
        errors.append(
            _error(
                subgraph,
                codes.OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE,
                message,
                coordinate,
                field.line,
            )
        )
    errors += _check_interface_field(subgraph, typedef, field)
    on_interface = typedef.kind == "interface" and not typedef.interface_object
    if field.external and not subgraph.is_fed1 and coordinate not in used and not on_interface:
        message = (
            f'Field "{coordinate}" is marked @external but is not used in any federation '
            f"directive (@key, @provides, @requires) or to satisfy an interface; the field "
            f"declaration has no use and should be removed (or the field should not be @external)."
        )
        errors.append(_error(subgraph, codes.EXTERNAL_UNUSED, message, coordinate, field.line))
    return errors


def _check_type_references(subgraph: Subgraph, typedef: TypeDef) -> list[CompositionError]:
    refs = [(f"{typedef.name}.{f.name}", f.type, f.line) for f in typedef.fields.values()]
    refs += [
        (f"{typedef.name}.{f.name}({a.name}:)", a.type, a.line)
        for f in typedef.fields.values()
        for a in f.args.values()
    ]
    refs += [(f"{typedef.name}.{a.name}", a.type, a.line) for a in typedef.input_fields.values()]
    refs += [(typedef.name, name, typedef.line) for name in (*typedef.members, *typedef.interfaces)]
    return [
        _error(
            subgraph,
            codes.INVALID_GRAPHQL,
            f'Unknown type "{base_type(ref)}" used by "{where}".',
            where,
            line,
        )
        for where, ref, line in refs
        if base_type(ref) not in subgraph.types and base_type(ref) not in BUILTIN_SCALARS
    ]


def _normalised(fields: str) -> str:
    return " ".join(fields.replace("{", " { ").replace("}", " } ").split())


def _check_interface_keys(subgraph: Subgraph, typedef: TypeDef) -> list[CompositionError]:
    """A key on an interface must be a resolvable key of every implementation here."""
    if typedef.kind != "interface" or typedef.interface_object:
        return []
    errors = []
    implementations = [t for t in subgraph.types.values() if typedef.name in t.interfaces]
    for key in typedef.keys:
        for impl in implementations:
            own = {_normalised(k.fields) for k in impl.keys if k.resolvable}
            if _normalised(key.fields) in own:
                continue
            message = (
                f'Key @key(fields: "{key.fields}") on interface type "{typedef.name}" is missing '
                f'on implementation type "{impl.name}".'
            )
            code = codes.INTERFACE_KEY_NOT_ON_IMPLEMENTATION
            errors.append(_error(subgraph, code, message, impl.name, impl.line))
    return errors


def _check_interface_field(
    subgraph: Subgraph, typedef: TypeDef, field: Field
) -> list[CompositionError]:
    """@shareable, @override and @external mean nothing on an interface's own fields."""
    if typedef.kind != "interface" or typedef.interface_object:
        return []
    coordinate = f"{typedef.name}.{field.name}"
    found: list[tuple[str, str]] = []
    if field.shareable:
        found.append(
            (
                codes.INVALID_SHAREABLE_USAGE,
                f'Invalid use of @shareable on field "{coordinate}": only object type fields can '
                f"be marked with @shareable",
            )
        )
    if field.override_from is not None:
        found.append(
            (
                codes.OVERRIDE_ON_INTERFACE,
                f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph.name}": '
                f"@override is not supported on interface type fields.",
            )
        )
    if field.external and not subgraph.is_fed1:
        found.append(
            (
                codes.EXTERNAL_ON_INTERFACE,
                f'Interface type field "{coordinate}" is marked @external but @external is not '
                f"allowed on interface fields.",
            )
        )
    return [_error(subgraph, code, message, coordinate, field.line) for code, message in found]


def _check_implements(subgraph: Subgraph, typedef: TypeDef) -> list[CompositionError]:
    """Within one subgraph an implementation declares every field of its interfaces."""
    errors = []
    for name in typedef.interfaces:
        interface = subgraph.types.get(name)
        if interface is None or interface.kind != "interface":
            continue
        for field in interface.fields:
            if field not in typedef.fields:
                message = (
                    f'Interface field "{name}.{field}" expected but "{typedef.name}" does not '
                    f"provide it."
                )
                code = codes.INVALID_GRAPHQL
                errors.append(_error(subgraph, code, message, typedef.name, typedef.line))
    return errors


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    """Every problem found in one subgraph on its own."""
    errors: list[CompositionError] = []
    used = _used_externals(subgraph)
    for typedef in subgraph.types.values():
        errors += _check_type_references(subgraph, typedef)
        errors += _check_keys(subgraph, typedef)
        errors += _check_interface_keys(subgraph, typedef)
        errors += _check_implements(subgraph, typedef)
        for field in typedef.fields.values():
            errors += _check_field(subgraph, typedef, field, used)
    return errors + validate_contexts(subgraph)
