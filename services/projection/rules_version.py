"""Which rules the stored answers were computed with.

A stored answer is only worth serving if today's rules would give the same bytes. Every answer
is a function of the events and of the code in ``domain/`` (the assessment, the licence
catalogue, the frameworks, the canonical encoding), so the answers are stamped with a digest of
that code: a projection that starts over answers stamped with another digest forgets them and
folds the log again from the start (what ``provenance rebuild-projections`` does by hand). Any
change to ``domain/`` — even a comment — costs one rebuild; no change ever serves a stale answer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import domain

_STAMP_PREFIX = "assessment-rules-"


def rules_digest() -> str:
    """SHA-256 of every ``domain/`` source file, by path, in path order (hex, 16 digits)."""
    root = Path(domain.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def rules_stamp() -> str:
    """The tracking name that marks a store's answers as computed with these rules."""
    return _STAMP_PREFIX + rules_digest()
