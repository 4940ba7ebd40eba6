"""`python -m subgraphs.facebook [--print-sdl]`."""

from subgraphs.common.serve import main
from subgraphs.facebook.app import build_app
from subgraphs.facebook.schema import print_sdl

raise SystemExit(main("facebook", build_app, print_sdl))
