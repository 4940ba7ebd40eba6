"""Source fixes applied to FerretDB v1.24.2 before it is built, each one with the reason.

FerretDB 1.x is no longer maintained, so a bug that breaks our use is fixed here rather than
upstream. Every patch must match the source exactly once, or the build stops: a silently
skipped fix would bring the bug back unnoticed.

1. `createIndexes` with two or more indexes that all exist already panics ("slice bounds out of
   range [:2:1]") and drops the connection: `validateIndexesForCreation` deletes from a copy of
   the list with the original list's index, which overruns once one element is gone. Every
   subgraph creates its indexes at start-up, so any restart on existing data (a second
   `make run`, a test that restarts a subgraph) hit it. The fix keeps the indexes that are not
   already there instead of deleting from the copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PATCHES", "Patch", "PatchError", "apply_patches", "patches_digest"]


class PatchError(RuntimeError):
    """A patch did not match the source exactly once."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Patch:
    """Replace `old` with `new` in `path` (relative to the module root)."""

    path: str
    old: str
    new: str


_CREATE_INDEXES = "internal/handler/msg_createindexes.go"

PATCHES: tuple[Patch, ...] = (
    Patch(path=_CREATE_INDEXES, old='\t"slices"\n', new=""),
    Patch(
        path=_CREATE_INDEXES,
        old=(
            "\tfilteredToCreate := make([]backends.IndexInfo, len(toCreate))\n"
            "\tcopy(filteredToCreate, toCreate)\n"
        ),
        new="\tfilteredToCreate := make([]backends.IndexInfo, 0, len(toCreate))\n",
    ),
    Patch(
        path=_CREATE_INDEXES,
        old="\t\t// Check for conflicts with existing indexes.\n",
        new="\t\t// Check for conflicts with existing indexes.\n\t\tidentical := false\n",
    ),
    Patch(
        path=_CREATE_INDEXES,
        old="\t\t\t\tfilteredToCreate = slices.Delete(filteredToCreate, i, i+1)\n",
        new="\t\t\t\tidentical = true\n",
    ),
    Patch(
        path=_CREATE_INDEXES,
        old="\t\t}\n\t}\n\n\treturn filteredToCreate, nil\n",
        new=(
            "\t\t}\n\n\t\tif !identical {\n"
            "\t\t\tfilteredToCreate = append(filteredToCreate, newIdx)\n"
            "\t\t}\n\t}\n\n\treturn filteredToCreate, nil\n"
        ),
    ),
)


def patches_digest() -> str:
    """A short digest of every patch, so a binary built with other patches is rebuilt."""
    text = "\0".join(f"{p.path}\0{p.old}\0{p.new}" for p in PATCHES)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def apply_patches(source: Path) -> None:
    """Apply every patch to the copied module source at `source`."""
    for patch in PATCHES:
        path = source / patch.path
        text = path.read_text()
        count = text.count(patch.old)
        if count != 1:
            raise PatchError(f"{patch.path}: expected the patched text once, found it {count}x")
        path.write_text(text.replace(patch.old, patch.new))
