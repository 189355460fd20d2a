"""Real Hugging Face cards through a real server: each card of ``tests/data/hf-cards/corpus/``
(verbatim front matter, sources in its ``SOURCES.md``) is imported, in order, into a ledger that
holds the demo, and the model version's verdicts are the ones its licence text gives.

The expected verdicts are written from the licences, not from the code (default policy):

- **use** needs the weights (own and inherited) and the inference code. Apache-2.0 and MIT grant
  use for any purpose; the Gemma Terms of Use, the Llama 2 and Llama 3 licences and CreativeML
  OpenRAIL-M bind use by field-of-use rules (restricted); CC-BY-NC-4.0 forbids commercial use
  (restricted). A card without a known ``library_name`` names no inference code: unknown.
- **study** and **modify** need the training code, which no card names: unknown.
- **share** needs redistribution rights on the weights and the code released: Apache-2.0 and MIT
  grant it with notices (conditional); the custom model licences bind redistribution by their
  use rules (restricted); an undefined licence (Tongyi Qianwen, DeepSeek) is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.server import ServerProcess
from tests.e2e.test_cli_against_server import ok, provenance
from tests.e2e.test_hf_import_cli import enrol_publisher, import_card

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hf-cards" / "corpus"
LLAMA_2 = "meta/llama-2-7b@2023-07-18"  # the demo's Llama 2 7B


@dataclass(frozen=True)
class Case:
    card: str
    model: str
    use: str | None  # None: the import is refused
    study: str | None = "unknown"
    modify: str | None = "unknown"
    share: str | None = None
    flags: tuple[str, ...] = ()
    refusal: str = ""  # for a refused import: a phrase its message holds
    why: str = ""


CASES = (
    Case(
        "mistral-7b-v0.1.md",
        "mistralai/Mistral-7B-v0.1",
        None,
        refusal="already recorded as model version mistralai/mistral-7b@0.1",
        why="the demo records Mistral 7B under its own id; a second copy of the same weights "
        "would give them two answers",
    ),
    Case(
        "zephyr-7b-beta.md",
        "HuggingFaceH4/zephyr-7b-beta",
        "unknown",
        share="conditional",
        why="MIT weights on Apache-2.0 base weights (the demo's Mistral 7B, found by its Hub "
        "URI): both may be shared with notices; no library_name, so no inference code: use "
        "unknown",
    ),
    Case(
        "zephyr-7b-beta-awq.md",
        "TheBloke/zephyr-7B-beta-AWQ",
        "unknown",
        share="conditional",
        why="a quantisation of zephyr-7b-beta under MIT, inheriting MIT and Apache-2.0 weights",
    ),
    Case(
        "deepseek-r1-0528.md",
        "deepseek-ai/DeepSeek-R1-0528",
        "granted",
        share="conditional",
        why="MIT weights run by Transformers (Apache-2.0): use for any purpose",
    ),
    Case(
        "doge-60m.md",
        "JingzeShi/Doge-60M",
        "granted",
        share="conditional",
        why="Apache-2.0 weights run by Transformers (Apache-2.0)",
    ),
    Case(
        "gemma-2b.md",
        "google/gemma-2b",
        "restricted",
        share="restricted",
        why="license_name gemma-terms-of-use is the Gemma Terms of Use: the Prohibited Use "
        "Policy binds use and must be passed on; access is gated",
    ),
    Case(
        "qwen1.5-7b.md",
        "Qwen/Qwen1.5-7B",
        "unknown",
        share="unknown",
        why="the Tongyi Qianwen agreement is not in the catalogue: its terms are unknown until "
        "someone defines them",
    ),
    Case(
        "llama-3-open-ko-8b-instruct-preview.md",
        "beomi/Llama-3-Open-Ko-8B-Instruct-preview",
        "unknown",
        share="restricted",
        why="license_name llama3 is the Meta Llama 3 Community Licence (acceptable-use policy, "
        "700M monthly users); no library_name, so use is unknown for want of inference code",
    ),
    Case(
        "deepseek-llm-67b-base.md",
        "deepseek-ai/deepseek-llm-67b-base",
        "unknown",
        share="unknown",
        why="the DeepSeek License Agreement is not in the catalogue: unknown",
    ),
    Case(
        "jina-reranker-v2-base-multilingual.md",
        "jinaai/jina-reranker-v2-base-multilingual",
        "restricted",
        share="restricted",
        why="CC-BY-NC-4.0: no commercial use or redistribution",
    ),
    Case(
        "stable-diffusion-v1-4.md",
        "CompVis/stable-diffusion-v1-4",
        "unknown",
        share="restricted",
        why="CreativeML OpenRAIL-M: Attachment A use restrictions bind use and redistribution; "
        "the card says library_tag, not library_name, so no inference code is named",
    ),
    Case(
        "llama-stance-classification.md",
        "armaniii/llama-stance-classification",
        None,
        refusal="--base-model",
        why="a LoRA adapter on meta-llama/Llama-2-7b-hf, which the ledger does not hold under "
        "that id or URI: refused until the base is named",
    ),
    Case(
        "llama-stance-classification.md",
        "armaniii/llama-stance-classification",
        "restricted",
        share="restricted",
        flags=("--base-model", LLAMA_2),
        why="Llama 2 Community Licence on the adapter and on the Llama 2 weights it inherits "
        "(the demo's Llama 2 7B, named with --base-model): restricted like its base",
    ),
    Case(
        "famino-12b-merge.md",
        "merges/Famino",
        None,
        refusal="base model cgato/Nemo-12b-Humanize-SFT-v0.2.5-KTO is not in the ledger",
        why="a merge of four models none of which the ledger holds: refused, saying how to "
        "record the first base or name it",
    ),
)


def test_real_cards_get_the_verdicts_their_licences_give(sqlite_server: ServerProcess) -> None:
    assert len({case.card for case in CASES}) >= 12
    cards = {path.name for path in CORPUS.glob("*.md")} - {"SOURCES.md"}
    assert {case.card for case in CASES} == cards
    ok(provenance("demo", "--server", sqlite_server.url, cwd=sqlite_server.workdir))
    enrol_publisher(sqlite_server)
    for case in CASES:
        result = import_card(sqlite_server, CORPUS / case.card, case.model, *case.flags)
        if case.use is None:
            assert result.returncode == 2, (case.card, result.stderr)
            assert case.refusal in result.stderr, (case.card, result.stderr)
            continue
        assert result.returncode == 0, (case.card, result.stderr)
        assert "next: " in result.stderr, case.card
        model = case.model.replace("_", "+")
        answer = httpx.get(f"{sqlite_server.url}/v1/models/{model}/freedoms", timeout=30)
        assert answer.status_code == 200, (case.card, answer.text)
        statuses = {f: v["status"] for f, v in answer.json()["freedoms"].items()}
        expected = {"use": case.use, "study": case.study, "modify": case.modify}
        expected["share"] = case.share
        assert statuses == expected, (case.card, case.why)
