"""The public summary of training content (DESIGN.md §11.3), as JSON keyed by the template's
section numbers, built deterministically from the world the model's answer rests on.

Each field is ``{"value": …, "evidence": [event ids]}`` or ``{"value": null, "missing": "what to
record"}``. The content is the datasets of the model's *own* training runs (every stage), each
counted once: a fine-tune lists its bases under 1.2 and reports only its own content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from domain.assessment.world import ArtefactFacts, ModelFacts, World
from domain.eu_summary.rules import bucket, domains_required, large, merged_domains

Field = dict[str, Any]
REQUIRED = "R"
CONDITIONAL = "C"
OPTIONAL = "O"
# Each section's fields and whether completeness counts them (DESIGN.md §11.3).
LAYOUT: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("1.1", (("provider", "R"), ("contact", "R"), ("authorised_representative", "R?"))),
    ("1.2", (("models", "R"), ("dependencies", "O"))),
    (
        "1.3",
        (
            ("modalities", "R"),
            ("latest_collection", "R"),
            ("continuous_training", "R"),
            ("languages", "O"),
        ),
    ),
    ("2.1", (("used", "R"), ("modalities", "C"), ("large", "C"), ("other", "C"))),
    ("2.2.1", (("used", "R"), ("modalities", "C"))),
    ("2.2.2", (("used", "R"), ("modalities", "C"), ("publicly_known", "C"), ("other", "C"))),
    (
        "2.3",
        (
            ("used", "R"),
            ("crawlers", "C"),
            ("period", "C"),
            ("modalities", "C"),
            ("content", "C"),
            ("domains", "C"),
        ),
    ),
    ("2.4", (("interactions", "R"), ("other_products", "R"), ("description", "C"))),
    ("2.5", (("used", "R"), ("modalities", "C"), ("models", "C"))),
    ("2.6", (("used", "R"), ("description", "C"))),
    ("3.1", (("signatory", "R"), ("tdm_measures", "R"), ("copyright_policy", "O"))),
    ("3.2", (("measures", "R"),)),
    ("3.3", (("other", "O"),)),
)


def value(content: Any, evidence: Iterable[str] = ()) -> Field:
    return {"value": content, "evidence": sorted(set(evidence))}


def missing(what: str) -> Field:
    return {"value": None, "missing": what}


@dataclass(frozen=True, slots=True)
class Dataset:
    artefact: ArtefactFacts
    data: dict[str, Any]  # its DatasetDescribed in force
    evidence: tuple[str, ...]

    @property
    def acquisition(self) -> str:
        return str(self.data["acquisition"])

    @property
    def modality(self) -> str:
        return str(self.data["modality"])


def summary_url(public_url: str, model_id: str) -> str:
    return f"{public_url.rstrip('/')}/v1/models/{model_id}/eu-training-summary"


def training_summary(
    world: World,
    model_id: str,
    public_url: str,
    positions: Callable[[str], int | None],
) -> dict[str, Any]:
    """The §11.3 summary of ``model_id`` (which ``world`` must hold). ``positions`` gives an
    event's log position, for the header's version and previous versions."""
    model = world.models[model_id]
    own = _own_datasets(world, model)
    described = [d for d in own if isinstance(d, Dataset)]
    undescribed = sorted(d for d in own if isinstance(d, str))
    provider = world.providers.get(model.owner or "")
    sections = {
        "1.1": _provider(model, provider),
        "1.2": _models(world, model, public_url),
        "1.3": _characteristics(model, described, undescribed, own),
        "2.1": _public(described, undescribed),
        "2.2.1": _category(described, undescribed, "licensed"),
        "2.2.2": _private(described, undescribed),
        "2.3": _crawled(world, described, undescribed, provider),
        "2.4": _user_data(described, undescribed),
        "2.5": _synthetic(described, undescribed, public_url),
        "2.6": _other(described, undescribed),
        "3.1": _copyright(model, provider),
        "3.2": _model_text(model, "illegal_content_measures", "measures"),
        "3.3": _model_text(model, "other_sources", "other", optional=True),
    }
    _blank_unused(sections)
    return {
        "model": model_id,
        **_header(sections, positions, model_id, public_url),
        **sections,
        "completeness": _completeness(sections, provider),
    }


# --- the content: the model's own runs' datasets ---------------------------------------------


def _own_datasets(world: World, model: ModelFacts) -> list[Dataset | str]:
    """Each dataset of the model's own runs once: described ones, else their id."""
    found: list[Dataset | str] = []
    seen: set[str] = set()
    for run_id in model.training_runs:
        run = world.runs.get(run_id)
        if run is None:
            continue
        for dataset_id in run.datasets:
            if dataset_id in seen:
                continue
            seen.add(dataset_id)
            artefact = world.artefacts.get(dataset_id)
            if artefact is None or artefact.described is None:
                found.append(dataset_id)
                continue
            evidence = (artefact.event_id, artefact.described.event_id, run.event_id)
            found.append(Dataset(artefact, artefact.described.data, evidence))
    return found


def _evidence(datasets: Iterable[Dataset]) -> list[str]:
    return [e for d in datasets for e in d.evidence]


def _modalities(datasets: list[Dataset]) -> list[str]:
    return sorted({d.modality for d in datasets})


def _used(
    described: list[Dataset], undescribed: list[str], matches: Callable[[Dataset], bool], what: str
) -> tuple[Field, list[Dataset]]:
    """Whether any dataset is of a category; unknown (missing) while a dataset is not described
    and none described is of it."""
    chosen = [d for d in described if matches(d)]
    if not chosen and undescribed:
        return missing(
            f"describe the datasets {undescribed} (DatasetDescribed) to say whether {what}"
        ), []
    return value(bool(chosen), _evidence(described)), chosen


# --- section 1 -------------------------------------------------------------------------------


def _provider(model: ModelFacts, provider: Any) -> dict[str, Field]:
    if provider is None:
        record = f"record a ProviderDescribed for the organisation '{model.owner}'"
        return {
            "provider": missing(record),
            "contact": missing(record),
            "authorised_representative": missing(record),
        }
    data, evidence = provider.data, [provider.event_id]
    representative = data.get("authorised_representative")
    if representative is not None:
        represented = value(representative, evidence)
    elif data["established_in_eu"]:
        represented = value(None, evidence)  # not needed: established in the EU
    else:
        represented = missing("a provider outside the EU records its authorised_representative")
    return {
        "provider": value(data["name"], evidence),
        "contact": value(data["contact"], evidence),
        "authorised_representative": represented,
    }


def _models(world: World, model: ModelFacts, public_url: str) -> dict[str, Field]:
    cards = [
        world.artefacts[a] for a in model.components.get("model-card", []) if a in world.artefacts
    ]
    distributed = model.distributed
    evidence = [model.event_id, *(c.event_id for c in cards)]
    if distributed is not None:
        evidence.append(distributed.event_id)
    entry = {
        "id": model.id,
        "name": model.name,
        "version": model.version,
        "model_card": next((c.uri for c in cards if c.uri), None),
        "placed_at": distributed.data.get("eu_placed_at") if distributed else None,
    }
    dependencies, base_evidence = [], []
    base = world.models.get(model.base_model) if model.base_model else None
    seen = {model.id}
    while base is not None and base.id not in seen:
        seen.add(base.id)
        dependencies.append({"model": base.id, "summary": summary_url(public_url, base.id)})
        base_evidence.append(base.event_id)
        base = world.models.get(base.base_model) if base.base_model else None
    return {"models": value([entry], evidence), "dependencies": value(dependencies, base_evidence)}


def _characteristics(
    model: ModelFacts, described: list[Dataset], undescribed: list[str], own: list[Any]
) -> dict[str, Field]:
    if not own:
        none = missing("record the model's training runs and the datasets they use")
        modalities, latest = none, none
    elif undescribed:
        modalities = missing(f"describe the datasets {undescribed} (DatasetDescribed)")
        latest = _latest(described)
    else:
        modalities = value(_per_modality(described), _evidence(described))
        latest = _latest(described)
    continuous = model.described.data.get("continuous_training") if model.described else None
    languages = sorted({lang for d in described for lang in d.data.get("languages", [])})
    return {
        "modalities": modalities,
        "latest_collection": latest,
        "continuous_training": value(continuous, [model.described.event_id])
        if continuous is not None and model.described
        else missing("record ModelVersionDescribed.continuous_training"),
        "languages": value(languages, _evidence(d for d in described if d.data.get("languages"))),
    }


def _per_modality(datasets: list[Dataset]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for modality in _modalities(datasets):
        chosen = [d for d in datasets if d.modality == modality]
        sizes: dict[str, float] = {}
        for d in chosen:
            unit = d.data["size"]["unit"]
            sizes[unit] = sizes.get(unit, 0.0) + float(d.data["size"]["value"])
        answer[modality] = {
            "bucket": bucket(modality, sizes),
            "sizes": dict(sorted(sizes.items())),
            "content": "; ".join(
                sorted({d.data["content"] for d in chosen if "content" in d.data})
            ),
        }
    return answer


def _latest(datasets: list[Dataset]) -> Field:
    dated = [d for d in datasets if "collected" in d.data]
    if not dated:
        return missing("record DatasetDescribed.collected (from, to) for the datasets")
    latest = max(d.data["collected"]["to"] for d in dated)
    return value(latest, _evidence(d for d in dated if d.data["collected"]["to"] == latest))


# --- section 2 -------------------------------------------------------------------------------


def _listing(d: Dataset) -> dict[str, Any]:
    return {"name": d.artefact.name, "uri": d.artefact.uri}


def _public(described: list[Dataset], undescribed: list[str]) -> dict[str, Field]:
    used, chosen = _used(
        described,
        undescribed,
        lambda d: d.acquisition == "public-dataset",
        "public datasets were used",
    )
    large_ids: set[str] = set()
    for modality in _modalities(chosen):
        sizes = {
            d.artefact.id: (d.data["size"]["unit"], float(d.data["size"]["value"]))
            for d in chosen
            if d.modality == modality
        }
        large_ids.update(large(sizes))
    big = [d for d in chosen if d.artefact.id in large_ids]
    rest = [d for d in chosen if d.artefact.id not in large_ids]
    other = "; ".join(
        f"{d.artefact.name} ({d.modality})" for d in sorted(rest, key=lambda d: d.artefact.name)
    )
    return {
        "used": used,
        "modalities": value(_modalities(chosen), _evidence(chosen)),
        "large": value(
            [_listing(d) for d in sorted(big, key=lambda d: d.artefact.name)], _evidence(big)
        ),
        "other": value(other or None, _evidence(rest)),
    }


def _category(
    described: list[Dataset], undescribed: list[str], acquisition: str
) -> dict[str, Field]:
    used, chosen = _used(
        described,
        undescribed,
        lambda d: d.acquisition == acquisition,
        f"{acquisition} data was used",
    )
    return {"used": used, "modalities": value(_modalities(chosen), _evidence(chosen))}


def _private(described: list[Dataset], undescribed: list[str]) -> dict[str, Field]:
    fields = _category(described, undescribed, "private")
    chosen = [d for d in described if d.acquisition == "private"]
    known = [d for d in chosen if d.data.get("publicly_known")]
    unknown = [d for d in chosen if not d.data.get("publicly_known")]
    other = "; ".join(
        f"{d.modality} data" + (f": {d.data['content']}" if "content" in d.data else "")
        for d in unknown
    )
    fields["publicly_known"] = value([_listing(d) for d in known], _evidence(known))
    fields["other"] = value(other or None, _evidence(unknown))
    return fields


def _crawled(
    world: World, described: list[Dataset], undescribed: list[str], provider: Any
) -> dict[str, Field]:
    used, chosen = _used(
        described, undescribed, lambda d: d.acquisition == "crawled", "crawlers were used"
    )
    crawler_ids = sorted({d.data["crawler"] for d in chosen})
    crawlers, crawler_evidence = [], []
    for crawler_id in crawler_ids:
        crawler = world.crawlers.get(crawler_id)
        if crawler is not None:
            crawlers.append({"id": crawler_id, **crawler.data})
            crawler_evidence.append(crawler.event_id)
    dated = [d for d in chosen if "collected" in d.data]
    period: Field = (
        value(
            {
                "from": min(d.data["collected"]["from"] for d in dated),
                "to": max(d.data["collected"]["to"] for d in dated),
            },
            _evidence(dated),
        )
        if dated
        else missing("record DatasetDescribed.collected for the crawled datasets")
    )
    content = "; ".join(sorted({d.data["content"] for d in chosen if "content" in d.data}))
    return {
        "used": used,
        "crawlers": value(crawlers, crawler_evidence),
        "period": period,
        "modalities": value(_modalities(chosen), _evidence(chosen)),
        "content": value(content, _evidence(chosen))
        if content
        else missing("record DatasetDescribed.content for the crawled datasets"),
        "domains": _domains(chosen, provider),
    }


def _domains(chosen: list[Dataset], provider: Any) -> Field:
    merged = merged_domains(
        [(x["domain"], float(x["size"])) for x in d.data.get("domains", [])] for d in chosen
    )
    counted = [d for d in chosen if "domain_count" in d.data]
    if counted:
        distinct = sum(
            int(d.data.get("domain_count", len(d.data.get("domains", [])))) for d in chosen
        )
    else:
        distinct = len(merged)
    if provider is None:
        return missing("record a ProviderDescribed (its sme flag decides how many domains to list)")
    needed = domains_required(distinct, bool(provider.data["sme"]))
    lists = [d.data["domain_list"] for d in chosen if "domain_list" in d.data]
    if len(merged) < needed or (distinct == 0 and chosen):
        return missing(
            f"record the top {needed} domains by content size ({len(merged)} recorded of "
            f"{distinct} crawled) in DatasetDescribed.domains, or more of them"
        )
    listed = [{"domain": domain, "size": size} for domain, size in merged[:needed]]
    return value(
        {"listed": listed, "distinct": distinct, "lists": lists},
        [*_evidence(chosen), provider.event_id],
    )


def _user_data(described: list[Dataset], undescribed: list[str]) -> dict[str, Field]:
    def of(kind: str) -> Callable[[Dataset], bool]:
        return lambda d: d.acquisition == "user-data" and d.data.get("user_data") == kind

    interactions, _ = _used(
        described, undescribed, of("model-interactions"), "user interactions were used"
    )
    products, chosen = _used(
        described, undescribed, of("other-products"), "other products' user data was used"
    )
    description = "; ".join(sorted({d.data["content"] for d in chosen if "content" in d.data}))
    return {
        "interactions": interactions,
        "other_products": products,
        "description": value(description, _evidence(chosen))
        if description
        else missing("record DatasetDescribed.content for the user-data datasets"),
    }


def _synthetic(
    described: list[Dataset], undescribed: list[str], public_url: str
) -> dict[str, Field]:
    used, chosen = _used(
        described, undescribed, lambda d: d.acquisition == "synthetic", "synthetic data was used"
    )
    models = []
    for d in chosen:
        for generator in d.data.get("generator_models", []):
            if "model" in generator:
                models.append(
                    {
                        "model": generator["model"],
                        "summary": summary_url(public_url, generator["model"]),
                    }
                )
            else:
                models.append(
                    {"name": generator["name"], "description": generator.get("description")}
                )
    generators = (
        value(models, _evidence(chosen))
        if models
        else missing("record DatasetDescribed.generator_models for the synthetic datasets")
    )
    return {
        "used": used,
        "modalities": value(_modalities(chosen), _evidence(chosen)),
        "models": generators,
    }


def _other(described: list[Dataset], undescribed: list[str]) -> dict[str, Field]:
    used, chosen = _used(
        described, undescribed, lambda d: d.acquisition == "other", "other sources were used"
    )
    description = "; ".join(sorted({d.data["content"] for d in chosen if "content" in d.data}))
    return {
        "used": used,
        "description": value(description, _evidence(chosen))
        if description
        else missing("record DatasetDescribed.content for the other sources"),
    }


# --- section 3 -------------------------------------------------------------------------------


def _copyright(model: ModelFacts, provider: Any) -> dict[str, Field]:
    tdm = _model_text(model, "tdm_measures", "tdm_measures")["tdm_measures"]
    if provider is None:
        record = f"record a ProviderDescribed for the organisation '{model.owner}'"
        return {
            "signatory": missing(record),
            "tdm_measures": tdm,
            "copyright_policy": missing(record),
        }
    evidence = [provider.event_id]
    policy = provider.data.get("copyright_policy_uri")
    return {
        "signatory": value(provider.data["code_of_practice_signatory"], evidence),
        "tdm_measures": tdm,
        "copyright_policy": value(policy, evidence)
        if policy
        else missing("record ProviderDescribed.copyright_policy_uri"),
    }


def _model_text(
    model: ModelFacts, field: str, name: str, *, optional: bool = False
) -> dict[str, Field]:
    described = model.described
    if described is not None and field in described.data:
        return {name: value(described.data[field], [described.event_id])}
    if optional:
        return {name: value(None)}
    return {name: missing(f"record ModelVersionDescribed.{field}")}


# --- header and completeness -----------------------------------------------------------------


def _header(
    sections: dict[str, dict[str, Field]],
    positions: Callable[[str], int | None],
    model_id: str,
    public_url: str,
) -> dict[str, Any]:
    used = {
        e for fields in sections.values() for f in fields.values() for e in f.get("evidence", [])
    }
    found = sorted({p for e in used if (p := positions(e)) is not None}, reverse=True)
    url = summary_url(public_url, model_id)
    return {
        "version": found[0] if found else None,
        "previous_versions": [{"version": p, "uri": f"{url}?as_of={p}"} for p in found[1:]],
    }


def _gate(number: str) -> str:
    return "other_products" if number == "2.4" else "used"  # 2.4 asks twice


def _blank_unused(sections: dict[str, dict[str, Field]]) -> None:
    """A section answered "no": its conditional fields hold nothing and miss nothing."""
    for number, fields in LAYOUT:
        if sections[number].get(_gate(number), {}).get("value") is False:
            for name, mark in fields:
                if mark == CONDITIONAL:
                    sections[number][name] = value(None)


def _completeness(sections: dict[str, dict[str, Field]], provider: Any) -> dict[str, Any]:
    required = filled = 0
    gaps: list[str] = []
    established = provider is not None and bool(provider.data["established_in_eu"])
    for number, fields in LAYOUT:
        used = sections[number].get(_gate(number), {}).get("value")
        for name, mark in fields:
            counts = (
                mark == REQUIRED
                or (mark == CONDITIONAL and used is True)
                or (mark == "R?" and not established)
            )
            if not counts:
                continue
            required += 1
            if "missing" in sections[number][name]:
                gaps.append(f"{number}.{name}")
            else:
                filled += 1
    return {"filled": filled, "required": required, "missing": gaps}
