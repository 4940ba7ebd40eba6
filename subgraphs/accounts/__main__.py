"""`python -m subgraphs.accounts [--print-sdl]`: serve the accounts subgraph, or print its SDL."""

from subgraphs.accounts.app import build_app
from subgraphs.accounts.schema import print_sdl
from subgraphs.common.serve import main

raise SystemExit(main("accounts", build_app, print_sdl))
