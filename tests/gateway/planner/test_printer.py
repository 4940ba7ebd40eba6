"""The printer: Apollo's text form for every node kind, and JSON with Apollo's field names."""

from __future__ import annotations

from gateway.planner import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    QueryPlan,
    build_query_plan,
    plan_to_json,
    print_plan,
)
from tests.gateway.planner.support import prepare, supergraph


def test_json_matches_apollo_for_an_interface_object_jump() -> None:
    graph = supergraph("interface-object")
    plan = build_query_plan(graph, prepare(graph, "{ media { id title reviews } }"))
    # Apollo's `JSON.stringify(plan)` for the same supergraph and operation.
    assert plan_to_json(plan) == {
        "kind": "QueryPlan",
        "node": {
            "kind": "Sequence",
            "nodes": [
                {
                    "kind": "Fetch",
                    "serviceName": "media",
                    "variableUsages": [],
                    "operation": "{media{__typename id title}}",
                    "operationKind": "query",
                },
                {
                    "kind": "Flatten",
                    "path": ["media", "@"],
                    "node": {
                        "kind": "Fetch",
                        "serviceName": "reviews",
                        "requires": [
                            {
                                "kind": "InlineFragment",
                                "typeCondition": "Media",
                                "selections": [
                                    {"kind": "Field", "name": "__typename"},
                                    {"kind": "Field", "name": "id"},
                                ],
                            }
                        ],
                        "variableUsages": [],
                        "operation": "query($representations:[_Any!]!)"
                        "{_entities(representations:$representations){...on Media{reviews}}}",
                        "operationKind": "query",
                        "inputRewrites": [
                            {
                                "kind": "ValueSetter",
                                "path": ["... on Media", "__typename"],
                                "setValueTo": "Media",
                            }
                        ],
                    },
                },
            ],
        },
    }


def test_named_operations_name_their_fetches_and_declare_variables() -> None:
    graph = supergraph("bench")
    query = """query Top($n: Int, $id: ID!) {
      topProducts(first: $n) { name reviews { body } }
      user(id: $id) { name }
    }"""
    data = plan_to_json(build_query_plan(graph, prepare(graph, query)))
    sequence, accounts = data["node"]["nodes"]
    root, entity = sequence["nodes"]
    assert accounts["operation"] == "query Top__accounts__2($id:ID!){user(id:$id){name}}"
    assert accounts["variableUsages"] == ["id"]
    assert root["operationName"] == "Top__products__0"
    assert root["operation"] == (
        "query Top__products__0($n:Int){topProducts(first:$n){__typename upc name}}"
    )
    assert root["variableUsages"] == ["n"]
    assert entity["node"]["operationName"] == "Top__reviews__1"
    assert entity["node"]["variableUsages"] == []


def test_condition_nodes_print_as_apollo_does() -> None:
    fetch = FetchNode(service_name="a", operation="{a}")
    flatten = FlattenNode(path=("x", "@"), node=fetch)
    both = ConditionNode(condition="v", if_clause=fetch, else_clause=flatten)
    assert print_plan(QueryPlan(node=both)) == (
        'QueryPlan {\n  Condition(if: $v) {\n    Then {\n      Fetch(service: "a") {\n'
        "        {\n          a\n        }\n      }\n    } Else {\n"
        '      Flatten(path: "x.@") {\n        Fetch(service: "a") {\n          {\n'
        "            a\n          }\n        },\n      }\n    }\n  },\n}"
    )
    skip = ConditionNode(condition="v", else_clause=fetch)
    assert print_plan(QueryPlan(node=skip)).startswith("QueryPlan {\n  Skip(if: $v) {\n")
    assert plan_to_json(QueryPlan(node=skip))["node"] == {
        "kind": "Condition",
        "condition": "v",
        "ifClause": None,
        "elseClause": {
            "kind": "Fetch",
            "serviceName": "a",
            "variableUsages": [],
            "operation": "{a}",
            "operationKind": "query",
        },
    }


def test_empty_plan() -> None:
    graph = supergraph("bench")
    plan = build_query_plan(graph, prepare(graph, "{ __typename }"))
    assert plan.node is None
    assert print_plan(plan) == "QueryPlan {}"
    assert plan_to_json(plan) == {"kind": "QueryPlan", "node": None}
