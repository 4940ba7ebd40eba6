"""The accounts subgraph: Accounts Center, the hub that owns a person and their links.

See README.md for the linking design and `schema.print_sdl()` for the SDL.
"""
