#!/bin/sh
# `subgraph <name> [args]`: run one of the four Accounts Center subgraphs (`python -m
# subgraphs.<name>`), refusing any other name so a typo fails at once with the choices.
set -eu
name="${1:-}"
case "$name" in
    accounts | whatsapp | facebook | instagram) shift ;;
    *)
        echo "usage: subgraph accounts|whatsapp|facebook|instagram [--print-sdl]" >&2
        exit 2
        ;;
esac
exec python -m "subgraphs.$name" "$@"
