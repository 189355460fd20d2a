"""Provenance bundles (DESIGN.md §7): everything needed to check one model version's
assessment offline — the statements it rests on with their inclusion proofs, a signed
checkpoint, the assessment and an in-toto attestation signed by the log key — and the verifier,
which needs nothing but the bundle and pinned keys. This package imports no web framework,
database driver or settings, so a third party can vendor ``domain`` and verify bundles."""
