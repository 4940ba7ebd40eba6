"""Fixtures for the subscription tests: the platform subgraphs' stack (stopped and restarted),
and per module a person with a WhatsApp account to post and subscribe as."""

import pytest

from tests.subgraphs.whatsapp.platform_world import Graph, Person, own_graph

__all__ = ["own_graph", "person"]


@pytest.fixture(scope="module")
def person(own_graph: Graph) -> Person:
    person = own_graph.sign_up()
    own_graph.register_whatsapp(person)
    return person
