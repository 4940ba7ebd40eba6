"""`@context`/`@fromContext` mistakes, each refused with Apollo's code and reason (the same codes
@apollo/composition 2.14 gives for each of these subgraphs)."""

from __future__ import annotations

import pytest

from gateway.composition import CompositionFailure, CompositionSuccess, SubgraphSource, compose

HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
    'import: ["@key", "@context", "@fromContext"])\n'
)
OWNERS = (
    "type Query { u: User f: Folder }\n"
    'type User @key(fields: "id") @context(name: "c") { id: ID! name: String age: Int '
    "address: Address post: Post }\n"
    'type Folder @key(fields: "id") @context(name: "c") { id: ID! name: String post: Post }\n'
    "type Address { city: String }\n"
)


def _compose(argument: str, *, owners: str = OWNERS) -> CompositionSuccess | CompositionFailure:
    post = f'type Post @key(fields: "id") {{ id: ID! text({argument}): String }}\n'
    sdl = HEADER + owners + post
    return compose([SubgraphSource(name="a", routing_url="http://127.0.0.1:1/a", sdl=sdl)])


def _value(selection: str, type_: str = "String") -> str:
    return f'x: {type_} @fromContext(field: "$c {selection}")'


@pytest.mark.parametrize(
    ("argument", "code", "reason"),
    [
        (
            _value("... on User { n: name } ... on Folder { name }"),
            "CONTEXT_INVALID_SELECTION",
            "aliases are not allowed",
        ),
        (
            _value("... on User { name @skip(if: true) } ... on Folder { name }"),
            "CONTEXT_INVALID_SELECTION",
            "directives are not allowed",
        ),
        (_value("{ name age }"), "CONTEXT_INVALID_SELECTION", "multiple fields could be selected"),
        (
            _value("{ name }", "Int"),
            "CONTEXT_INVALID_SELECTION",
            'the type of the selection "String" does not match the expected type "Int"',
        ),
        (
            _value("... on User { name } ... on User { name } ... on Folder { name }"),
            "CONTEXT_INVALID_SELECTION",
            "type conditions have same name",
        ),
        (
            _value("... on User { name }"),
            "CONTEXT_INVALID_SELECTION",
            'no type condition matches the location "Folder"',
        ),
        (
            _value("... on User { name } ... on Folder { name } ... on Address { city }"),
            "CONTEXT_INVALID_SELECTION",
            'type condition "Address" is never used',
        ),
        (
            _value("{ address { city } }"),
            "CONTEXT_INVALID_SELECTION",
            'Cannot query field "address" on type "Folder"',
        ),
        (
            'x: String @fromContext(field: "c { name }")',
            "NO_CONTEXT_IN_SELECTION",
            "does not reference a context",
        ),
        ('x: String @fromContext(field: "$d { name }")', "CONTEXT_NOT_SET", "is never set"),
        (
            'x: String = "n" @fromContext(field: "$c { name }")',
            "CONTEXT_NOT_SET",
            "may not have a default value",
        ),
    ],
)
def test_a_bad_contextual_argument_is_refused(argument: str, code: str, reason: str) -> None:
    result = _compose(argument)
    assert isinstance(result, CompositionFailure), argument
    assert any(e.code == code and reason in e.message for e in result.errors), str(result)


def test_a_context_name_with_an_underscore_is_refused() -> None:
    owners = OWNERS.replace('@context(name: "c")', '@context(name: "my_c")')
    result = _compose('x: String @fromContext(field: "$my_c { name }")', owners=owners)
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["CONTEXT_NAME_INVALID", "CONTEXT_NAME_INVALID"]
    assert 'Context name "my_c" may not contain an underscore.' in result.errors[0].message


def test_a_value_under_a_type_condition_cannot_fill_a_non_null_argument() -> None:
    """Apollo reads a conditional value as nullable, so a `String!` argument is refused."""
    result = _compose(_value("... on User { name } ... on Folder { name }", "String!"))
    assert isinstance(result, CompositionFailure)
    assert "does not match the expected type" in result.errors[0].message


def test_valid_selections_compose() -> None:
    assert isinstance(
        _compose(_value("... on User { name } ... on Folder { name }")), CompositionSuccess
    )
    owners = OWNERS.replace(
        'type Folder @key(fields: "id") @context(name: "c") { id: ID! name: String post: Post }',
        'type Folder @key(fields: "id") { id: ID! name: String }',
    )
    assert isinstance(_compose(_value("{ address { city } }"), owners=owners), CompositionSuccess)


def test_a_contextual_field_reachable_without_its_context_is_unsatisfiable() -> None:
    """`f { post { text } }` has no object setting the context above it (Apollo's rule)."""
    owners = OWNERS.replace(
        'type Folder @key(fields: "id") @context(name: "c")', 'type Folder @key(fields: "id")'
    )
    result = _compose(_value("{ name }"), owners=owners)
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["SATISFIABILITY_ERROR"]
    assert "f {\n    post {\n      text" in result.errors[0].message


def test_a_context_read_on_the_type_that_sets_it_is_unsatisfiable() -> None:
    """Apollo's composition refuses it (no object above `User` sets the context, so no plan
    can fill the argument); @theguild/federation-composition 0.26 accepts it."""
    header = HEADER.replace('"@fromContext"]', '"@fromContext", "@external"]')
    sources = [
        SubgraphSource(
            name="a",
            routing_url="http://127.0.0.1:1/a",
            sdl=header
            + 'type Query { u: User }\ntype User @key(fields: "id") { id: ID! name: String }',
        ),
        SubgraphSource(
            name="b",
            routing_url="http://127.0.0.1:1/b",
            sdl=header
            + 'type User @key(fields: "id") @context(name: "c") { id: ID! name: String @external '
            'greeting(n: String @fromContext(field: "$c { name }")): String }',
        ),
    ]
    result = compose(sources)
    assert isinstance(result, CompositionFailure)
    assert [e.code for e in result.errors] == ["SATISFIABILITY_ERROR"]
    assert 'could not find a match for required context for field "User.greeting"' in str(result)
