"""The assessment policies (DESIGN.md §6); their names are part of the contract."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    description: str
    hardware_counts: bool
    data_propagates: bool


POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy(
            "default",
            "Hardware layers that forbid reverse engineering or modification, or are "
            "proprietary, limit study; training-data rights are surfaced as warnings.",
            hardware_counts=True,
            data_propagates=False,
        ),
        Policy(
            "hardware-aside",
            "As default, but the hardware stack does not count.",
            hardware_counts=False,
            data_propagates=False,
        ),
        Policy(
            "data-propagates",
            "As default, and training-data terms (dataset licences, data-source rights) bind "
            "the weights: they limit use, modify and share.",
            hardware_counts=True,
            data_propagates=True,
        ),
    )
}
DEFAULT_POLICY = "default"
