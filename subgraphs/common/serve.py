"""Runs a subgraph with uvicorn (uvloop, httptools), or prints its SDL, from `__main__.py`.

Connections go through the gateway's `TimedHttpToolsProtocol` with its default limits (10 s
for a request's head, 30 s for its body, 1000 connections), so a slow client cannot hold a
subgraph's connections either; `gateway.http_protocol` loads nothing else of the gateway.

Each `subgraphs/<name>/__main__.py` is then one call: `raise SystemExit(main(name, build, sdl))`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

import uvicorn
from starlette.applications import Starlette

from gateway.http_protocol import ConnectionLimits, limited_uvicorn_config
from subgraphs.common.settings import Settings, SettingsError, load_settings

__all__ = ["main"]


def main(
    name: str,
    build_app: Callable[[Settings], Starlette],
    print_sdl: Callable[[], str],
    argv: Sequence[str] | None = None,
) -> int:
    """`python -m subgraphs.<name> [--print-sdl]`."""
    parser = argparse.ArgumentParser(prog=f"python -m subgraphs.{name}")
    parser.add_argument("--print-sdl", action="store_true", help="print the SDL and exit")
    args = parser.parse_args(argv)
    if args.print_sdl:
        sdl = print_sdl()
        sys.stdout.write(sdl if sdl.endswith("\n") else sdl + "\n")
        return 0
    try:
        settings = load_settings(name)
        app = build_app(settings)  # may refuse a setting it alone reads (accounts' key file)
    except SettingsError as exc:
        print(f"subgraphs.{name}: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    config = limited_uvicorn_config(
        app,
        ConnectionLimits(),
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        lifespan="on",
        access_log=False,
        log_level="info",
    )
    uvicorn.Server(config).run()
    return 0
