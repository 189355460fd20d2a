"""``provenance serve``: run the ledger's HTTP API with uvicorn (flags and variables of §9)."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn

from domain.envelope import parse_envelope
from infra.cpu_affinity import AffinityError, keep_on_cpu
from infra.keys import KeyFileError
from infra.persistence import DatabaseUrlError, redact
from infra.settings import DEFAULT_OPERATOR_KEY, Settings, SettingsError
from services.api.app import create_app
from services.bootstrap import build_services, describe_operator_keys, ensure_default_keys
from services.cli.demo import demo_documents
from services.cli.errors import EXIT_OK, CliError
from services.collector import tune_for_serving
from services.ledger_services import LedgerServices
from services.write.submission import BatchRejected


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the ledger server")
    serve.add_argument("--host", help="listen address (LEDGER_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (LEDGER_PORT, default 8000)")
    serve.add_argument(
        "--database-url",
        help="sqlite:///PATH or postgresql://user@host:port/db "
        "(LEDGER_DATABASE_URL, default sqlite:///./provenance.db)",
    )
    serve.add_argument(
        "--operator-key",
        action="append",
        default=[],
        help="operator public key PEM, repeatable (LEDGER_OPERATOR_KEYS, "
        "comma-separated; default ./keys/operator.pub, created on a first run)",
    )
    serve.add_argument(
        "--log-key",
        help="log private key PEM (LEDGER_LOG_KEY, default ./keys/log, created if absent)",
    )
    serve.add_argument(
        "--origin",
        help="checkpoint origin and log key name (LEDGER_ORIGIN, "
        "default localhost/provenance-ledger)",
    )
    serve.add_argument(
        "--state-dir",
        help="where the newest signed checkpoint is kept outside the database, shared by "
        "every instance of the log (LEDGER_STATE_DIR, default ./state)",
    )
    serve.add_argument(
        "--projection",
        choices=["inline", "external"],
        help="inline: this server keeps the stored answers; external: a `provenance project` "
        "worker does, this server folds nothing (PostgreSQL only) (LEDGER_PROJECTION, "
        "default inline)",
    )
    serve.add_argument(
        "--public-url",
        help="the base URL links in exported documents (SBOMs, Markdown reports, EU "
        "summaries) use, e.g. https://ledger.example.org (LEDGER_PUBLIC_URL, default the "
        "address a request reached)",
    )
    serve.add_argument(
        "--serving-cpu",
        type=int,
        metavar="N",
        help="keep this process's threads on CPU N, its batch-check workers on every CPU "
        "(Linux; faster ingest where one instance serves a machine) "
        "(LEDGER_SERVING_CPU, default any CPU)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="on an empty ledger, first record the "
        "example model versions (signed with ./keys/operator)",
    )
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    tune_for_serving()
    try:
        settings = Settings.resolve(
            os.environ,
            host=args.host,
            port=args.port,
            database_url=args.database_url,
            operator_keys=args.operator_key,
            log_key=args.log_key,
            origin=args.origin,
            state_dir=args.state_dir,
            projection=args.projection,
            public_url=args.public_url,
            serving_cpu=args.serving_cpu,
        )
        for path in ensure_default_keys(settings).created:
            print(f"first run: created key pair {path} and {path}.pub", file=sys.stderr)
        for line in describe_operator_keys(settings):
            print(f"operator key: {line}", file=sys.stderr)
        print(f"log key: {settings.log_key}", file=sys.stderr)
        print(f"database: {redact(settings.database_url)}", file=sys.stderr)
        print(f"state directory: {settings.state_dir}", file=sys.stderr)
        print(f"assessment projection: {settings.projection}", file=sys.stderr)
        if settings.public_url:
            print(f"public URL: {settings.public_url}", file=sys.stderr)
        worker_cpus = None
        if settings.serving_cpu is not None:
            worker_cpus = keep_on_cpu(settings.serving_cpu)
            listed = ", ".join(str(cpu) for cpu in sorted(worker_cpus))
            print(
                f"serving on CPU {settings.serving_cpu}; batch-check workers on CPUs {listed}",
                file=sys.stderr,
            )
        services = build_services(settings, worker_cpus)
    except (SettingsError, KeyFileError, DatabaseUrlError, AffinityError) as error:
        raise CliError(str(error)) from error
    except Exception as error:
        raise CliError(
            f"cannot open the ledger at {redact(settings.database_url)}: {error}"
        ) from error
    if services.log.halted is not None:
        print(f"the log is unsafe to extend: {services.log.halted}", file=sys.stderr)
        print("serving reads only: writes and /readyz answer 503", file=sys.stderr)
    elif args.demo:
        _load_demo(services)
    print(
        f"listening on http://{settings.host}:{settings.port} — auditor pages at "
        f"http://{settings.host}:{settings.port}/ui",
        file=sys.stderr,
    )
    uvicorn.run(
        create_app(services, public_url=settings.public_url),
        host=settings.host,
        port=settings.port,
        log_level="info",
    )
    return EXIT_OK


def _load_demo(services: LedgerServices) -> None:
    if services.view.size:
        print("demo: the ledger is not empty; nothing loaded", file=sys.stderr)
        return
    documents, models = demo_documents(DEFAULT_OPERATOR_KEY, None)
    try:
        services.submission.submit([parse_envelope(d) for d in documents])
    except BatchRejected as rejected:
        raise CliError(f"demo: the examples were refused: {rejected.errors[:3]}") from rejected
    print(f"demo: recorded {len(documents)} statements; try one of:", file=sys.stderr)
    for model in models:
        print(f"  provenance freedoms {model}", file=sys.stderr)
