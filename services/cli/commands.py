"""Which module defines each ``provenance`` command, and its one-line help: ``main`` imports
only the module of the command being run (the others are listed from this table), so a
command starts without loading the server, the auditor or the database drivers it does not
use. ``tests/unit/test_cli_commands.py`` checks the table against the modules."""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "run the ledger server"),
    "keygen": (
        "keys",
        "create an Ed25519 key pair NAME (PKCS#8, 0600) and NAME.pub; print the keyid",
    ),
    "keyid": ("keys", "print the keyid of a public (or private) key file"),
    "pubkey": ("keys", "print the raw public key in base64 (the SignerEnrolled public_key field)"),
    "sign": ("sign", "sign a statement and print its DSSE envelope"),
    "submit": ("submit", "post one envelope, or a JSON list of envelopes as one batch"),
    "subject": ("submit", "print a subject's recorded state"),
    "freedoms": ("freedoms", "what freedoms a model version confers"),
    "eu-summary": (
        "eu_summary",
        "the EU AI Act public summary of a model version's training content",
    ),
    "models": ("models", "list the model versions (with verdicts), optionally matching QUERY"),
    "bundle": ("bundles", "write the provenance bundle of a model version"),
    "verify": ("bundles", "verify a provenance bundle offline"),
    "audit": ("audit", "replay and check the whole log independently"),
    "demo": ("demo", "load the example model versions into an empty ledger"),
    "rebuild-projections": (
        "projections",
        "forget the stored assessments and rebuild them from every recorded event "
        "(stop the servers sharing the database first)",
    ),
    "project": (
        "project",
        "keep the stored assessments up to date in a process of its own (PostgreSQL), "
        "for servers started with --projection external",
    ),
    "import-hf-card": (
        "hf_import",
        "sign and submit the events a Hugging Face model card (README.md) implies",
    ),
    "export": ("exports", "write a model version as an SBOM (SPDX 3.0.1 or CycloneDX 1.6)"),
}
