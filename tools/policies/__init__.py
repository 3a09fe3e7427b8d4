"""The engine's policies as data: channel rules, intents, rewards, learning and lint settings.

Every figure lives in a TOML file beside this module, next to its source; ``load_pack`` reads one
(it lives in the foundation, ``ipe.packs``, so that ``memory/`` reads the files the same way).
"""

from __future__ import annotations

from ipe.packs import load_pack

__all__ = ["load_pack"]
