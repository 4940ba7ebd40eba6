"""`python -m subgraphs.whatsapp [--print-sdl]`."""

from subgraphs.common.serve import main
from subgraphs.whatsapp.app import build_app
from subgraphs.whatsapp.schema import print_sdl

raise SystemExit(main("whatsapp", build_app, print_sdl))
