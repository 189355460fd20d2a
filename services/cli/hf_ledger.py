"""What the Hugging Face import asks the server (:class:`services.hf_import.importer.LedgerFacts`).

Each subject is asked once. The model versions recorded with a Hub URI are found by reading the
model list (``GET /v1/models``) and each one's weights — or, from a server without that list, by
reading the log once (``GET /v1/events``). The API has no lookup by URI, so this costs requests in
proportion to the ledger's model versions (or its events); ``--base-model`` skips it for the base,
and it is read at most once per import.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from domain.encoding import b64decode_strict
from services.cli.client import refused, request


class ServerLedger:
    def __init__(self, base: str) -> None:
        self._base = base
        self._subjects: dict[str, Mapping[str, Any] | None] = {}
        self._weights: dict[str, list[str]] | None = None

    def subject(self, subject_id: str) -> Mapping[str, Any] | None:
        if subject_id not in self._subjects:
            response = request("GET", f"{self._base}/v1/subjects/{quote(subject_id)}")
            if response.status_code == 404:
                self._subjects[subject_id] = None
            elif response.status_code == 200:
                self._subjects[subject_id] = response.json()
            else:
                raise refused(response)
        return self._subjects[subject_id]

    def licence_id(self, licence_id: str) -> str | None:
        response = request("GET", f"{self._base}/v1/licences/{quote(licence_id)}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise refused(response)
        spelled: str = response.json()["id"]
        return spelled

    def models_with_weights(self, uri: str) -> list[str]:
        if self._weights is None:
            self._weights = {}
            pairs = self._from_model_list()
            for model, found in pairs if pairs is not None else self._from_log():
                self._weights.setdefault(found.casefold(), []).append(model)
        return sorted(set(self._weights.get(uri.casefold(), [])))

    def _from_model_list(self) -> list[tuple[str, str]] | None:
        """(model version, weights URI) from ``GET /v1/models``; None when the server has no
        model list."""
        pairs = []
        after: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": 1000}
            if after is not None:
                params["after"] = after
            response = request("GET", f"{self._base}/v1/models", params=params)
            if response.status_code == 404 and after is None:
                return None
            if response.status_code != 200:
                raise refused(response)
            page = response.json()
            for model in page["models"]:
                state = (self.subject(model["id"]) or {}).get("state") or {}
                for weights in (state.get("components") or {}).get("model-parameters", []):
                    found = ((self.subject(weights) or {}).get("state") or {}).get("uri")
                    if isinstance(found, str):
                        pairs.append((model["id"], found))
            after = page["next"]
            if after is None:
                return pairs

    def _from_log(self) -> list[tuple[str, str]]:
        """(model version, weights URI) from every statement of the log."""
        uris: dict[str, str] = {}
        listed: list[tuple[str, str]] = []
        for statement in self._statements():
            data, subject = statement["data"], statement["subject"]
            if statement["type"] == "ArtefactRegistered" and isinstance(data.get("uri"), str):
                uris[subject] = data["uri"]
            elif statement["type"] == "ModelVersionReleased":
                listed += [(subject, a) for a in data["components"].get("model-parameters", [])]
            elif statement["type"] == "ComponentAttached" and (
                data["component"] == "model-parameters"
            ):
                listed.append((subject, data["artefact"]))
        return [(model, uris[weights]) for model, weights in listed if weights in uris]

    def _statements(self) -> Iterator[dict[str, Any]]:
        after = 0
        while True:
            response = request(
                "GET", f"{self._base}/v1/events", params={"after": after, "limit": 1000}
            )
            if response.status_code != 200:
                raise refused(response)
            page = response.json()
            for event in page["events"]:
                statement: dict[str, Any] = json.loads(
                    b64decode_strict(event["envelope"]["payload"])
                )
                yield statement
            if page["next"] is None:
                return
            after = page["next"]
