"""Instructions the batch write path runs per event (issue 9): its CPU cost, counted exactly.

On this machine kind a batch benchmark's rate varies by a tenth from run to run, so a change
that saves a few percent of the write path's CPU takes dozens of alternated runs to see. The
number of instructions a process runs barely varies (within 0.2% here), so this counts them,
with valgrind's cachegrind (``valgrind`` must be installed):

- a child process runs the write path of ``POST /v1/events:batch`` (``record_batch``: the body
  read, its checks in the server's worker processes, admission, the commit on a fresh
  PostgreSQL database, receipts, the answer's JSON) on batches of 1,000 pre-signed artefact
  registrations, one after another, with the projection external. It does so once for each of
  the two ways a batch's items are read (``Submission.read_batch``): as one client's batches
  find the write path, idle (read in the serving process a chunk at a time, each chunk's checks
  starting in the workers at once), and as concurrent clients' batches mostly find it, busy
  with another request's commit (read by the workers themselves, with their checks);
- valgrind follows every process that child starts, so its check workers are counted too (the
  fork server's and the resource tracker's few instructions with them).

Each count is taken with ``--batches`` and with ``--batches`` + ``--extra``; the difference over
the extra batches is what a batch costs, start-up and warm-up excluded. Beside them is the
count of one libsodium signature verification (what the workers ask first), so each figure is
also a ratio that no clock affects: instructions per event over instructions per verification.
The database's own work is not counted (``bench.cpu_split`` times it).

Linux with valgrind only; targets the local PostgreSQL only; ~2–3 minutes a way (valgrind runs
Python some 50 times slower). Usage: ``python -m bench.instructions [--batches 2] [--extra 4]
[--way idle|busy|both] [--admin-url URL]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.database import ADMIN_URL, fresh_database
from bench.ingest import BATCH
from bench.interpreter import interpreter_line
from tests.builders import artefact, enrolment

if TYPE_CHECKING:
    from domain.envelope import Envelope
    from services.write.stateless_checks import Checks

WAYS = {
    "idle": "as one client's find the write path (idle: read here, a chunk at a time)",
    "busy": "as concurrent clients' mostly find it (busy: read in the workers)",
}
"""The two ways a batch's items are read (``Submission.read_batch``), by name."""
_VERIFICATIONS = 2000  # envelopes verified in the larger counted run (the smaller: half)
_COUNT = re.compile(r"^summary: (\d+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Counted:
    """The instructions one counted run took: its own process's, and all its children's."""

    serving: float
    workers: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=2, help="batches before those counted")
    parser.add_argument("--extra", type=int, default=4, help="batches counted")
    parser.add_argument(
        "--way",
        choices=(*WAYS, "both"),
        default="both",
        help="the way of reading a batch's items to count (default: both, one after the other)",
    )
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--run", nargs=3, metavar=("WHAT", "N", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run is not None:  # a counted child: the workload only
        what, count, path = args.run
        if what == "verify":
            _verifications(int(count), Path(path))
        else:
            _write_path(int(count), Path(path), what)
        return
    if args.batches < 1 or args.extra < 1:
        parser.error("--batches and --extra must be at least 1")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt install valgrind)")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        signed = _signed(work / "signed.json", args.batches + args.extra)
        verify = _count(work, "verify", _VERIFICATIONS, signed).serving
        verify -= _count(work, "verify", _VERIFICATIONS // 2, signed).serving
        per_verify = verify / (_VERIFICATIONS // 2)
        counted: dict[str, tuple[Counted, Counted]] = {}
        for way in WAYS if args.way == "both" else (args.way,):
            with fresh_database(args.admin_url, "bench_instructions") as database:
                few = _count(work, way, args.batches, signed, database)
            with fresh_database(args.admin_url, "bench_instructions") as database:
                many = _count(work, way, args.batches + args.extra, signed, database)
            counted[way] = few, many
    print(interpreter_line())
    print(f"one libsodium Ed25519 verification : {per_verify / 1e3:8.1f} k instructions")
    for way, (few, many) in counted.items():
        print(f"batches read {WAYS[way]}:")
        serving = (many.serving - few.serving) / args.extra / BATCH
        workers = (many.workers - few.workers) / args.extra / BATCH
        for name, value in (
            ("serving process, per event", serving),
            ("its check workers, per event", workers),
            ("both, per event", serving + workers),
        ):
            print(
                f"  {name:<33}: {value / 1e3:8.1f} k instructions"
                f"   ({value / per_verify:.2f} verifications)"
            )


def _signed(path: Path, batches: int) -> Path:
    """Batch bodies of artefact registrations by a new publisher, signed here (outside any
    counted process), and the publisher's key."""
    publisher = Ed25519PrivateKey.generate()
    documents = [
        artefact(publisher, f"acme/b/{i}", "code", "training-code") for i in range(batches * BATCH)
    ]
    bodies = [
        json.dumps({"envelopes": documents[i : i + BATCH]}) for i in range(0, len(documents), BATCH)
    ]
    path.write_text(
        json.dumps({"publisher": publisher.private_bytes_raw().hex(), "bodies": bodies})
    )
    return path


def _count(work: Path, what: str, count: int, signed: Path, database: str = "") -> Counted:
    """Run ``--run what count`` under cachegrind, following its children: the instructions of
    the process it starts, and of all that process's children together."""
    out = work / f"{what}-{count}"
    out.mkdir()
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
        f"--cachegrind-out-file={out}/%p", sys.executable, "-m", "bench.instructions",
        "--run", what, str(count), str(signed),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0", "LEDGER_DATABASE_URL": database}
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        _, errors = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{what} {count} failed under valgrind:\n{errors[-3000:]}")
    counts = {int(f.name): _instructions(f) for f in out.iterdir() if f.name.isdigit()}
    return Counted(counts.pop(process.pid), sum(counts.values()))


def _instructions(path: Path) -> int:
    found = _COUNT.search(path.read_text())
    if found is None:
        raise RuntimeError(f"{path}: no instruction count")
    return int(found.group(1))


def _write_path(count: int, signed: Path, way: str) -> None:
    """The counted workload: ``count`` batches through the write path, their items read the
    ``way`` named (one of :data:`WAYS`), after the enrolment of their publisher by a new
    operator."""
    from infra.keys import public_path, write_keypair
    from infra.settings import Settings
    from services.api.routes.events import record_batch
    from services.bootstrap import build_services
    from services.collector import tune_for_long_running
    from services.fast_json import dumps
    from services.write.envelope_input import envelope_from

    tune_for_long_running()  # as provenance serve does
    saved = json.loads(signed.read_text())
    publisher = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(saved["publisher"]))
    with tempfile.TemporaryDirectory() as work:
        operator = write_keypair(Path(work) / "operator")
        write_keypair(Path(work) / "log")
        settings = Settings(
            database_url=os.environ["LEDGER_DATABASE_URL"],
            operator_keys=(public_path(Path(work) / "operator"),),
            log_key=Path(work) / "log",
            state_dir=Path(work) / "state",
            projection="external",
        )
        services = build_services(settings)
        try:
            services.submission.submit(
                [envelope_from(enrolment(operator, publisher, "acme", ["publisher"]))]
            )

            def busy(items: list[Any]) -> tuple[list[Envelope], Checks]:
                """What Submission.read_batch does while another request holds the write path
                (never the plain reading: that would count another path)."""
                read = services.checks.start_batch(services.view.signer, items)
                if read is None:
                    raise SystemExit("the check workers did not read a batch")
                return read

            reader = busy if way == "busy" else None  # None: read_batch, which finds it idle
            for body in saved["bodies"][:count]:
                answers = record_batch(services, body.encode(), reader)
                dumps({"events": [answer for _, answer in answers]})
        finally:
            services.close()


def _verifications(count: int, signed: Path) -> None:
    """The counted workload: the signatures of the first ``count`` envelopes verified, as the
    check workers verify them (libsodium first: ``domain.ed25519``). Many envelopes, as the
    cost of one verification depends on the signature's bits."""
    from domain.ed25519 import verifies
    from domain.envelope import pae, parse_envelope

    saved = json.loads(signed.read_text())
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(saved["publisher"])).public_key()
    envelopes = [
        parse_envelope(document)
        for body in saved["bodies"]
        for document in json.loads(body)["envelopes"]
    ][:count]
    checks = [(e.signatures[0].sig, pae(e.payload_type, e.payload)) for e in envelopes]
    if len(checks) != count or not all(verifies(key, sig, message) for sig, message in checks):
        raise SystemExit("too few envelopes, or one does not verify")


if __name__ == "__main__":
    main()
