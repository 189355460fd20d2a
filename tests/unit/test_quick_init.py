"""domain.quick_init: the same instances as the dataclass's own ``__init__``, built cheaper."""

from __future__ import annotations

import hashlib
import inspect
import pickle
from dataclasses import FrozenInstanceError, InitVar, dataclass, field
from typing import Any

import pytest

from domain.envelope import Envelope, Signature
from domain.quick_init import quick_init


def _define(decorate: bool) -> Any:
    @dataclass(frozen=True, slots=True)
    class Entry:
        name: str
        payload: bytes
        tags: tuple[str, ...] = ()
        note: str | None = None
        digest: str = field(init=False, repr=False, compare=False)

        def __post_init__(self) -> None:
            object.__setattr__(self, "digest", hashlib.sha256(self.payload).hexdigest())

    return quick_init(Entry) if decorate else Entry


QUICK, PLAIN = _define(True), _define(False)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a", b"x"), {}),
        (("a", b"x", ("t",)), {}),
        (("a",), {"payload": b"x", "note": "n"}),
        ((), {"name": "a", "payload": b"x", "tags": ("t", "u"), "note": None}),
    ],
)
def test_instances_hold_what_the_dataclass_init_would_set(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    quick, plain = QUICK(*args, **kwargs), PLAIN(*args, **kwargs)
    for name in ("name", "payload", "tags", "note", "digest"):
        assert getattr(quick, name) == getattr(plain, name)
    assert repr(quick).replace(QUICK.__qualname__, "") == repr(plain).replace(
        PLAIN.__qualname__, ""
    )
    assert quick == QUICK(*args, **kwargs)
    assert hash(quick) == hash(QUICK(*args, **kwargs))


def test_instances_stay_frozen_and_pickle() -> None:
    entry = QUICK("a", b"x")
    with pytest.raises(FrozenInstanceError):
        entry.name = "b"
    envelope = Envelope("type", b"payload", (Signature("k", b"s"),))  # a class using it
    copy = pickle.loads(pickle.dumps(envelope))  # noqa: S301 - our own bytes
    assert copy == envelope
    assert copy.event_id == envelope.event_id == hashlib.sha256(b"payload").hexdigest()


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("a",), {}), (("a", b"x"), {"colour": 1}), (("a", b"x", (), None, "d"), {})],
)
def test_wrong_arguments_are_refused_as_by_the_dataclass(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        PLAIN(*args, **kwargs)
    with pytest.raises(TypeError):
        QUICK(*args, **kwargs)


def test_the_signature_is_the_dataclass_init_s() -> None:
    assert inspect.signature(QUICK) == inspect.signature(PLAIN)
    assert QUICK.__init__.__qualname__.endswith("Entry.__init__")


def test_it_refuses_what_it_does_not_support() -> None:
    @dataclass(slots=True)
    class Mutable:
        a: int

    @dataclass(frozen=True)
    class Unslotted:
        a: int

    @dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    @dataclass(frozen=True, slots=True)
    class WithInitVar:
        a: int
        scale: InitVar[int] = 1

        def __post_init__(self, scale: int) -> None:
            object.__setattr__(self, "a", self.a * scale)

    for cls in (Mutable, Unslotted, Factory, KeywordOnly, WithInitVar):
        with pytest.raises(TypeError):
            quick_init(cls)
