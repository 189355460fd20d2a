"""Reading a Hugging Face model card offline: its YAML front matter (through
``huggingface_hub``'s card classes), its text and the SHA-256 of its bytes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# huggingface_hub.repocard's own test for a metadata block.
_FRONT_MATTER = re.compile(r"^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))")


_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")


_FENCE = re.compile(r"^ {0,3}(```|~~~)")


class CardError(Exception):
    """The card cannot be read: not UTF-8, no front matter, bad YAML or ill-typed fields."""


@dataclass(frozen=True, slots=True)
class HfCard:
    metadata: Mapping[str, Any]  # the front matter as huggingface_hub's ModelCardData gives it
    text: str  # the card without its front matter
    sha256: str  # of the file's bytes

    @property
    def heading(self) -> str | None:
        """The first Markdown heading outside code blocks, emphasis stripped."""
        fenced = False
        for line in self.text.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
                continue
            match = None if fenced else _HEADING.match(line)
            if match:
                title = re.sub(r"\*+|`", "", match.group(1)).strip().strip("_").strip()
                if title:
                    return title
        return None


def read_card(raw: bytes) -> HfCard:
    """Parse a model card offline with ``huggingface_hub.ModelCard``; :class:`CardError` if the
    card has no front matter, its YAML does not parse or a mapped field has the wrong type."""
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CardError(f"not UTF-8 text: {error}") from error
    if not _FRONT_MATTER.match(content):
        raise CardError("no YAML front matter (a block between '---' lines at the top)")
    # Imported here: huggingface_hub's card module is slow to import and only this command uses it.
    from huggingface_hub import ModelCard

    try:
        card = ModelCard(content)
        metadata: dict[str, Any] = card.data.to_dict()  # type: ignore[no-untyped-call]
    except Exception as error:  # huggingface_hub raises YAML, Value and Type errors alike
        detail = " ".join(str(error).split())
        raise CardError(f"front matter does not parse: {detail}") from error
    _check_types(metadata)
    return HfCard(metadata, card.text, hashlib.sha256(raw).hexdigest())


def _check_types(metadata: Mapping[str, Any]) -> None:
    for key in (
        "license_name",
        "license_link",
        "model_name",
        "base_model_relation",
        "library_name",
    ):
        value = metadata.get(key)
        if value is not None and not isinstance(value, str):
            raise CardError(f"field '{key}' must be a string, not {show(value)}")
    for key in ("license", "datasets", "base_model"):
        value = metadata.get(key)
        if value is not None and not _str_or_strs(value):
            raise CardError(f"field '{key}' must be an id or a list of ids, not {show(value)}")


def _str_or_strs(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def show(value: Any) -> str:
    """A short JSON rendering of a card value for messages."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."
