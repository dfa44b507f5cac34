"""What a language's static index came to: its documents, terms, files and bytes.

Kept apart from the index's code: a build's manifest holds these figures, and reading it must
not load the index's modules (only the workers that make the index need them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StaticIndexStats:
    docs: int
    terms: int
    files: int
    bytes: int
