"""The newest signed checkpoint, kept outside the database (DESIGN.md §7, ``LEDGER_STATE_DIR``).

One file per origin, ``<state dir>/<origin, percent-encoded>.checkpoint``, holding the signed
note text. Every instance of one log shares the directory; a writer takes an exclusive lock
(``flock`` on ``….lock``), replaces the file only by a larger tree that agrees with it, and
writes it by write-fsync-rename (then fsyncs the directory), so a crash leaves the old file or
the new one, never a torn one. A server restarted on a database restored from an older backup
finds here a checkpoint its database does not extend, and refuses to sign.

A writer may write a checkpoint it is about to commit beside the file ahead
(:meth:`CheckpointFile.prepare`, while the database commits): advancing to it once committed
then only renames it into place.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from domain.checkpoint import Checkpoint, CheckpointError, read_unverified_checkpoint


class CheckpointFileError(RuntimeError):
    """The file cannot be read or written, or holds no checkpoint of this origin."""


class CheckpointDisagrees(RuntimeError):
    """The file holds a checkpoint the caller's tree does not extend."""

    def __init__(self, recorded: Checkpoint) -> None:
        super().__init__(f"the checkpoint of size {recorded.size} is not extended")
        self.recorded = recorded


class CheckpointFile:
    def __init__(self, directory: Path, origin: str) -> None:
        name = quote(origin, safe="")
        self.directory = directory
        self.path = directory / f"{name}.checkpoint"
        self._lock_path = directory / f"{name}.lock"
        self._origin = origin
        self._threads = threading.Lock()
        # What this process last wrote, and the file's identity then: while the file is still
        # that one, advancing need not read and parse it again.
        self._written: tuple[tuple[int, int, int], Checkpoint] | None = None
        self._prepared_path = self.path.with_name(f"{self.path.name}.{os.getpid()}.next.tmp")
        self._prepared: str | None = None  # the note the prepared file holds, synced
        self._preparing = threading.Lock()  # over the prepared file and ``_prepared``

    def read(self) -> Checkpoint | None:
        """The recorded checkpoint (None if there is no file yet)."""
        try:
            note = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CheckpointFileError(f"cannot read {self.path}: {error.strerror}") from error
        try:
            checkpoint = read_unverified_checkpoint(note)
        except CheckpointError as error:
            raise CheckpointFileError(f"{self.path} holds no checkpoint: {error}") from error
        if checkpoint.origin != self._origin:
            raise CheckpointFileError(
                f"{self.path} is the checkpoint of origin {checkpoint.origin}, not {self._origin}"
            )
        return checkpoint

    def advance(self, note: str, root_at: Callable[[int], bytes | None]) -> None:
        """Make the file hold ``note`` unless it already holds as large a tree.

        ``root_at(size)`` is the caller's root at ``size`` (None beyond its tree). Raises
        :class:`CheckpointDisagrees` when the recorded checkpoint is one the caller's tree does
        not extend, and :class:`CheckpointFileError` when the file cannot be written.
        """
        new = read_unverified_checkpoint(note)
        try:
            with self._threads, self._exclusive():
                recorded = self._current()
                if recorded is not None:
                    root = root_at(recorded.size)
                    if root is not None and root != recorded.root:
                        raise CheckpointDisagrees(recorded)
                    if recorded.size >= new.size:
                        return
                self._replace(note)
        except OSError as error:
            raise CheckpointFileError(f"cannot write {self.path}: {error.strerror}") from error

    def prepare(self, note: str) -> None:
        """Write ``note`` beside the file and sync it, so that advancing to it later only
        renames it into place (one ``fsync`` of the directory instead of two). A note
        prepared and never advanced to is never read: the next one prepared replaces it (a
        process that stops first leaves its file, named after its pid, behind). Where it
        cannot be written, advancing writes the note the usual way (and says what is
        wrong)."""
        with self._preparing:
            self._prepared = None
            try:
                _write_synced(self._prepared_path, note)
            except OSError:
                return
            self._prepared = note

    def _current(self) -> Checkpoint | None:
        """The recorded checkpoint, read again only if another writer replaced the file."""
        if self._written is not None:
            identity, checkpoint = self._written
            if _identity(self.path) == identity:
                return checkpoint
        return self.read()

    def _exclusive(self) -> _FileLock:
        return _FileLock(self._lock_path)

    def _replace(self, note: str) -> None:
        if not self._renamed_prepared(note):
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            _write_synced(temporary, note)
            os.replace(temporary, self.path)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        self._written = (_identity(self.path), read_unverified_checkpoint(note))

    def _renamed_prepared(self, note: str) -> bool:
        """Whether ``note`` was prepared and is now renamed into place."""
        with self._preparing:
            if self._prepared != note:
                return False
            self._prepared = None
            try:
                os.replace(self._prepared_path, self.path)
            except FileNotFoundError:  # removed meanwhile: written the usual way
                return False
            return True


def _write_synced(path: Path, note: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(note)
        handle.flush()
        os.fsync(handle.fileno())


def _identity(path: Path) -> tuple[int, int, int]:
    """Inode, size and change time: another writer's replacement changes the inode."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return (-1, -1, -1)
    return (status.st_ino, status.st_size, status.st_mtime_ns)


class _FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> None:
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:  # no directory yet (or it was removed): make it
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
