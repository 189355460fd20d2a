"""The state directory's checkpoint file: it only grows along one tree, whoever writes it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.checkpoint import Checkpoint, sign_checkpoint
from infra.checkpoint_file import CheckpointDisagrees, CheckpointFile

ORIGIN = "localhost/test"
KEY = Ed25519PrivateKey.generate()


def _root(tree: str, size: int) -> bytes:
    return hashlib.sha256(f"{tree}/{size}".encode()).digest()


def _note(tree: str, size: int) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, _root(tree, size)), ORIGIN, KEY)


def _roots_of(tree: str, size: int) -> Callable[[int], bytes | None]:
    return lambda at: _root(tree, at) if at <= size else None


def test_the_file_keeps_the_largest_tree(tmp_path: Path) -> None:
    state = CheckpointFile(tmp_path / "state", ORIGIN)
    state.advance(_note("a", 5), _roots_of("a", 5))
    state.advance(_note("a", 3), _roots_of("a", 5))
    recorded = state.read()
    assert recorded is not None
    assert recorded.size == 5


def test_another_writers_checkpoint_is_read_again(tmp_path: Path) -> None:
    """This process remembers what it wrote; when another process (another instance on the
    same state directory) has replaced the file since, the new content is what counts."""
    mine = CheckpointFile(tmp_path, ORIGIN)
    theirs = CheckpointFile(tmp_path, ORIGIN)
    mine.advance(_note("a", 5), _roots_of("a", 5))
    theirs.advance(_note("b", 9), lambda at: _root("a", at) if at <= 5 else None)
    with pytest.raises(CheckpointDisagrees) as caught:
        mine.advance(_note("a", 12), _roots_of("a", 12))
    assert caught.value.recorded.size == 9


def test_a_removed_state_directory_is_made_again(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    state = CheckpointFile(directory, ORIGIN)
    state.advance(_note("a", 1), _roots_of("a", 1))
    for child in directory.iterdir():
        child.unlink()
    directory.rmdir()
    state.advance(_note("a", 2), _roots_of("a", 2))
    recorded = state.read()
    assert recorded is not None
    assert recorded.size == 2


def _counting_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    synced: list[int] = []
    fsync = os.fsync

    def counted(fd: int) -> None:
        synced.append(fd)
        fsync(fd)

    monkeypatch.setattr(os, "fsync", counted)
    return synced


def test_a_prepared_checkpoint_is_renamed_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prepared while the database commits it, the note is already written and synced:
    advancing to it only renames it and syncs the directory (one fsync, not two)."""
    state = CheckpointFile(tmp_path, ORIGIN)
    state.advance(_note("a", 3), _roots_of("a", 3))
    state.prepare(_note("a", 5))
    synced = _counting_fsyncs(monkeypatch)
    state.advance(_note("a", 5), _roots_of("a", 5))
    assert len(synced) == 1
    assert state.path.read_text(encoding="utf-8") == _note("a", 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        state.path.name,
        f"{state.path.stem}.lock",
    ]


def test_a_prepared_checkpoint_is_never_installed_unless_advanced_to(tmp_path: Path) -> None:
    """A note prepared for a commit that did not happen is not what advancing to another note
    writes, and the next note prepared replaces it."""
    state = CheckpointFile(tmp_path, ORIGIN)
    state.prepare(_note("a", 7))  # its commit failed
    state.advance(_note("a", 6), _roots_of("a", 6))
    assert state.path.read_text(encoding="utf-8") == _note("a", 6)
    state.prepare(_note("a", 8))
    state.advance(_note("a", 8), _roots_of("a", 8))
    assert state.path.read_text(encoding="utf-8") == _note("a", 8)
    assert len(list(tmp_path.glob("*.tmp"))) == 0


def test_a_note_that_cannot_be_prepared_is_written_when_advanced_to(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    state = CheckpointFile(directory, ORIGIN)
    state.prepare(_note("a", 2))  # no directory yet: nothing is prepared, nothing raised
    state.advance(_note("a", 2), _roots_of("a", 2))
    assert state.path.read_text(encoding="utf-8") == _note("a", 2)
