"""The lexicons of the rule-based steps: one YAML file per fact kind, read once per process.

Cue words live here, never in code, so that a rule can be read apart from its vocabulary.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed lexicon `transforms/lexicons/<name>.yaml` (cached: callers must not mutate it)."""
    return yaml.safe_load((FOLDER / f"{name}.yaml").read_text(encoding="utf-8"))
