"""Fixtures shared with the WhatsApp subgraph tests: `platform_world` lives beside them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "whatsapp"))

from platform_world import graph

__all__ = ["graph"]
