"""`@fromContext` arguments: the field gets its own entity fetch, the context's selection is
planned where the context object is, and the value is passed as a variable (Apollo's plan)."""

from __future__ import annotations

from gateway.planner import build_query_plan, plan_to_json
from gateway.planner.groups import Group
from gateway.planner.merge_leaves import merge_leaf_fetches
from gateway.planner.plan import FetchNode, FlattenNode, KeyRenamer, SequenceNode
from tests.gateway.planner.support import assert_plan, prepare, supergraph


def test_context_two_levels_up_matches_apollos_plan() -> None:
    """The same text as Apollo's query planner prints for this supergraph and query."""
    assert_plan(
        "context",
        "{ me { post { comments { id text } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "posts") {
              {
                me {
                  __typename
                  id
                  post {
                    comments {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "accounts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    name
                  }
                }
              },
            },
            Flatten(path: "me.post.comments.@") {
              Fetch(service: "posts") {
                {
                  ... on Comment {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Comment {
                    text(author: $contextualArgument_2_0)
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_field_stays_in_the_fetch_entered_at_the_context_object() -> None:
    """As Apollo plans it: `name` comes with the parent fetch, and the entity fetch entered at
    the User reads it with no `..` (Apollo numbers the variable `_2_0`, from its own counter)."""
    assert_plan(
        "context",
        "{ user { post { comments { text } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                user {
                  __typename
                  id
                  name
                }
              }
            },
            Flatten(path: "user") {
              Fetch(service: "posts") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    post {
                      comments {
                        text(author: $contextualArgument_1_0)
                      }
                    }
                  }
                }
              },
            },
          },
        }
        """,
    )
    graph = supergraph("context")
    plan = build_query_plan(graph, prepare(graph, "{ user { post { comments { text } } } }"))
    assert isinstance(plan.node, SequenceNode)
    last = plan.node.nodes[-1]
    assert isinstance(last, FlattenNode)
    assert isinstance(last.node, FetchNode)
    assert last.node.context_rewrites == (
        KeyRenamer(path=("... on User", "name"), rename_key_to="contextualArgument_1_0"),
    )


def test_context_rewrite_reads_the_owner_field_two_fields_up() -> None:
    graph = supergraph("context")
    plan = build_query_plan(graph, prepare(graph, "{ me { post { comments { text } } } }"))
    assert isinstance(plan.node, SequenceNode)
    last = plan.node.nodes[-1]
    assert isinstance(last, FlattenNode)
    assert isinstance(last.node, FetchNode)
    fetch = last.node
    assert fetch.context_rewrites == (
        KeyRenamer(
            path=("..", "..", "... on User", "name"), rename_key_to="contextualArgument_2_0"
        ),
    )
    assert "$contextualArgument_2_0:String" in fetch.operation
    assert "contextualArgument_2_0" in fetch.variable_usages
    printed = plan_to_json(plan)["node"]["nodes"][-1]["node"]
    assert printed["contextRewrites"] == [
        {
            "kind": "KeyRenamer",
            "path": ["..", "..", "... on User", "name"],
            "renameKeyTo": "contextualArgument_2_0",
        }
    ]


def test_client_arguments_are_kept_beside_the_contextual_one() -> None:
    graph = supergraph("context")
    query = "{ folder { post { comments { text(loud: true) } } } }"
    plan = build_query_plan(graph, prepare(graph, query))
    fetches = [n for n in _fetches(plan.node) if n.context_rewrites]
    assert len(fetches) == 1
    assert "text(loud:true author:$contextualArgument_" in fetches[0].operation
    assert {r.path[-2] for r in fetches[0].context_rewrites} == {"... on Folder"}


def test_batched_plans_keep_context_fetches_apart() -> None:
    graph = supergraph("context")
    prepared = prepare(
        graph, "{ me { post { comments { text } } } user { post { comments { text } } } }"
    )
    plan = build_query_plan(graph, prepared, batch=True)
    context_fetches = [n for n in _fetches(plan.node) if n.context_rewrites]
    assert len(context_fetches) == 2


def test_context_set_by_an_interface_is_read_under_each_implementation() -> None:
    """`Node` sets the context; the value is read under `... on Page` or `... on Note`, one
    variable for the one `tag` field of the fetch (as Apollo plans it)."""
    assert_plan(
        "context-interface",
        "{ nodes { id ... on Page { item { size tag } } ... on Note { item { tag } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                nodes {
                  __typename
                  id
                  ... on Page {
                    __typename
                    item {
                      __typename
                      id
                    }
                    label
                  }
                  ... on Note {
                    __typename
                    item {
                      __typename
                      id
                    }
                    label
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "nodes.@.item") {
                Fetch(service: "a") {
                  {
                    ... on Item {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Item {
                      tag(prefix: $contextualArgument_1_0)
                    }
                  }
                },
              },
              Flatten(path: "nodes.@.item") {
                Fetch(service: "b") {
                  {
                    ... on Item {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Item {
                      size
                    }
                  }
                },
              },
            },
          },
        }
        """,
    )
    graph = supergraph("context-interface")
    query = "{ nodes { ... on Page { item { tag } } ... on Note { item { tag } } } }"
    plan = build_query_plan(graph, prepare(graph, query))
    (fetch,) = [n for n in _fetches(plan.node) if n.context_rewrites]
    assert {(r.path, r.rename_key_to) for r in fetch.context_rewrites} == {
        (("..", "... on Page", "label"), "contextualArgument_1_0"),
        (("..", "... on Note", "label"), "contextualArgument_1_0"),
    }


def test_a_nested_context_selection_reads_its_leaf() -> None:
    """`$ctx { address { city } }` selects `city` below `address` on the context object; the
    rewrite reads that path (as Apollo's does), beside the client's own `address` fields."""
    assert_plan(
        "context-nested",
        "{ u { address { zip } post { text } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                u {
                  __typename
                  address {
                    zip
                    city
                  }
                  post {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "u.post") {
              Fetch(service: "a") {
                {
                  ... on Post {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Post {
                    text(where: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }
        """,
    )
    graph = supergraph("context-nested")
    plan = build_query_plan(graph, prepare(graph, "{ u { post { text } } }"))
    (fetch,) = [n for n in _fetches(plan.node) if n.context_rewrites]
    assert fetch.context_rewrites == (
        KeyRenamer(
            path=("..", "... on User", "address", "city"), rename_key_to="contextualArgument_1_0"
        ),
    )


def test_context_set_by_a_union_reads_a_field_per_member() -> None:
    """`Owner` (a union) sets the context; `... on Person { name } ... on Team { title }`
    becomes one read per member, one variable (Apollo's plan)."""
    assert_plan(
        "context-union",
        "{ owners { ... on Person { board { heading } } ... on Team { board { heading } } } }",
        """
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                owners {
                  __typename
                  ... on Person {
                    __typename
                    board {
                      __typename
                      id
                    }
                    name
                  }
                  ... on Team {
                    __typename
                    board {
                      __typename
                      id
                    }
                    title
                  }
                }
              }
            },
            Flatten(path: "owners.@.board") {
              Fetch(service: "a") {
                {
                  ... on Board {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Board {
                    heading(by: $contextualArgument_1_0)
                  }
                }
              },
            },
          },
        }
        """,
    )


def test_a_client_alias_on_the_context_field_name_gets_the_value_its_own_key() -> None:
    """`name: id` takes the response key `name`, so the context value is fetched as
    `fed__name`, in the parent fetch or in an entity fetch, and read from there."""
    graph = supergraph("context")
    for query, path in (
        ("{ user { name: id post { comments { text } } } }", ("... on User", "fed__name")),
        (
            "{ me { name: id post { comments { text } } } }",
            ("..", "..", "... on User", "fed__name"),
        ),
    ):
        plan = build_query_plan(graph, prepare(graph, query))
        fetches = _fetches(plan.node)
        (contextual,) = [n for n in fetches if n.context_rewrites]
        assert [r.path for r in contextual.context_rewrites] == [path]
        assert any("fed__name:name" in n.operation for n in fetches)


def _fetches(node: object) -> list[FetchNode]:
    if isinstance(node, FetchNode):
        return [node]
    found: list[FetchNode] = []
    for child in getattr(node, "nodes", ()) or ():
        found += _fetches(child)
    inner = getattr(node, "node", None)
    if inner is not None:
        found += _fetches(inner)
    return found


def test_a_contextual_leaf_fetch_is_not_merged_into_another() -> None:
    """Its variable is named after its own fetch and its request is split by value, so it
    keeps its fetch even where a plain leaf would be folded into a later one."""
    root = Group(id=0, service="a")
    later = Group(id=1, service="b", path=("u",), entity=True, parents=frozenset({0}))
    contextual = Group(id=2, service="b", path=("u",), entity=True, parents=frozenset({0}))
    contextual.context_rewrites.append(
        KeyRenamer(path=("... on User", "name"), rename_key_to="contextualArgument_2_0")
    )
    plain = Group(id=3, service="b", path=("u",), entity=True, parents=frozenset({0}))
    assert [g.id for g in merge_leaf_fetches([root, later, contextual])] == [0, 1, 2]
    assert len(merge_leaf_fetches([root, later, plain])) == 2  # two plain leaves: one fetch
