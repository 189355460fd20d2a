""" "Did you mean": the known names closest to one that is not known."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_SUGGESTIONS = 5


def similar_names(wanted: str, known: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to ``limit`` of ``known`` a person probably meant by ``wanted``, best first: the same
    name in another case, the versions of a name given without its ``@version``
    (``meta/llama-2-7b`` → ``meta/llama-2-7b@2023-07-18``), names that contain it, then
    near spellings. Deterministic; empty when nothing is close."""
    names = sorted(set(known))
    folded = wanted.casefold()
    base = folded.split("@", 1)[0]
    ranked: list[str] = []
    ranked += [n for n in names if n.casefold() == folded]
    ranked += [n for n in names if n.casefold().split("@", 1)[0] == base]
    ranked += [n for n in names if folded and folded in n.casefold()]
    by_fold = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(folded, list(by_fold), n=limit, cutoff=0.6)
    ranked += [by_fold[c] for c in close]
    return [n for n in dict.fromkeys(ranked) if n != wanted][:limit]


def did_you_mean(suggestions: list[str]) -> str:
    """``; did you mean 'a' or 'b'?`` (empty without suggestions)."""
    if not suggestions:
        return ""
    quoted = [f"'{s}'" for s in suggestions]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"; did you mean {listed}?"
