"""Each change graphql-core reports is read back to the schema element it is about."""

from __future__ import annotations

from graphql import build_schema

from gateway.checks import classify_changes

OLD = """
directive @audit(reason: String, level: Int) repeatable on FIELD | QUERY
interface Node { id: ID! }
type User implements Node { id: ID! name: String tags(first: Int, after: String = "a"): [String] }
type Post { id: ID! }
union Result = User | Post
enum Role { ADMIN USER }
input Filter { role: Role }
scalar Gone
type Query { user(id: ID!): User search: [Result] roles(filter: Filter): [Role] gone: Gone }
"""
NEW = """
directive @audit(level: Int, scope: String!) on FIELD
type User { id: ID! name: Int tags(first: String, after: String = "b", size: Int!): [String] }
type Post { id: ID! }
union Result = User
enum Role { USER GUEST }
input Filter { role: Role strict: Boolean! }
type Query { user(id: ID!): User search: [Result] roles(filter: Filter): [Role] gone: String }
"""


def test_every_change_names_its_element() -> None:
    changes = classify_changes(build_schema(OLD), build_schema(NEW))
    found = {(c.severity, c.kind, c.touches) for c in changes}
    assert found >= {
        ("breaking", "TYPE_REMOVED", ("Node",)),
        ("breaking", "TYPE_REMOVED", ("Gone",)),
        ("breaking", "FIELD_CHANGED_KIND", ("User.name",)),
        ("breaking", "FIELD_CHANGED_KIND", ("Query.gone",)),
        ("breaking", "ARG_CHANGED_KIND", ("User.tags(first:)",)),
        ("breaking", "REQUIRED_ARG_ADDED", ("User.tags",)),
        ("breaking", "IMPLEMENTED_INTERFACE_REMOVED", ("User",)),
        ("breaking", "TYPE_REMOVED_FROM_UNION", ("Result",)),
        ("breaking", "VALUE_REMOVED_FROM_ENUM", ("Role",)),
        ("breaking", "REQUIRED_INPUT_FIELD_ADDED", ("Filter",)),
        ("breaking", "DIRECTIVE_ARG_REMOVED", ("@audit",)),
        ("breaking", "REQUIRED_DIRECTIVE_ARG_ADDED", ("@audit",)),
        ("breaking", "DIRECTIVE_REPEATABLE_REMOVED", ("@audit",)),
        ("breaking", "DIRECTIVE_LOCATION_REMOVED", ("@audit",)),
        ("dangerous", "VALUE_ADDED_TO_ENUM", ("Role",)),
        ("dangerous", "ARG_DEFAULT_VALUE_CHANGE", ("User.tags(after:)",)),
    }
    assert all(c.touches for c in changes)  # nothing falls back to "used by everyone"
