"""What answered requests leave behind is held until a writer frees it, and never piles up."""

from __future__ import annotations

import weakref

from services.write.leftovers import Leftovers


class _Object:
    """Anything a request leaves behind (weakly referable, to see when it is freed)."""


def test_leftovers_live_until_freed() -> None:
    leftovers = Leftovers()
    first, second = _Object(), _Object()
    refs = [weakref.ref(first), weakref.ref(second)]
    leftovers.keep(first)
    leftovers.keep(second)
    del first, second
    assert all(ref() is not None for ref in refs)
    leftovers.free()
    assert all(ref() is None for ref in refs)
    assert len(leftovers) == 0


def test_beyond_the_bound_the_oldest_is_freed_where_it_is_handed_over() -> None:
    """A store whose commits leave no wait to free them in frees them a request late."""
    leftovers = Leftovers(kept=2)
    refs = []
    for _ in range(4):
        leftover = _Object()
        refs.append(weakref.ref(leftover))
        leftovers.keep(leftover)
        del leftover
    assert [ref() is None for ref in refs] == [True, True, False, False]
    assert len(leftovers) == 2
