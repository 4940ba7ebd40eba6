"""The server stage: the gateway as an ASGI app (GraphQL over HTTP, GraphiQL, health) on uvicorn."""

from gateway.server.app import create_app
from gateway.server.serve import app_from_environment, serve
from gateway.server.state import SupergraphLoadError, load_supergraph_file

__all__ = [
    "SupergraphLoadError",
    "app_from_environment",
    "create_app",
    "load_supergraph_file",
    "serve",
]
