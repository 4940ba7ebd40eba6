"""`python -m subgraphs.instagram [--print-sdl]`."""

from subgraphs.common.serve import main
from subgraphs.instagram.app import build_app
from subgraphs.instagram.schema import print_sdl

raise SystemExit(main("instagram", build_app, print_sdl))
