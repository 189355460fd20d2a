"""The deployment files: ``docker-compose.yml`` as compose resolves it, and the ``Dockerfile`` text.

The compose tests run ``docker-compose config`` (Debian's ``docker-compose`` package: v1.29 on
bookworm, v2 on later releases), which validates and resolves the file without a Docker daemon.
Without the binary they skip locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]  # runtime dep via uvicorn[standard]

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PASSWORD = "not-a-real-secret-for-tests"
INSTALL_HINT = "apt-get install docker-compose"


# --- running docker-compose ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose_bin() -> str:
    found = shutil.which("docker-compose")
    if found is None:
        message = f"docker-compose is not installed: {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def empty_env_file(tmp_path: Path) -> Path:
    """An empty ``--env-file``, so a developer's ``.env`` cannot change what the tests see."""
    path = tmp_path / "empty.env"
    path.write_text("")
    return path


def _compose_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would feed the compose file."""
    prefixes = ("POSTGRES_", "LEDGER_", "COMPOSE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(extra)
    return env


def _supports_json(compose: str) -> bool:
    result = subprocess.run(
        [compose, "config", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    return "--format" in result.stdout


def _run_config(
    compose: str, env_file: Path, env: Mapping[str, str], *, as_json: bool = False
) -> subprocess.CompletedProcess[str]:
    args = [compose, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"]
    if as_json:
        args += ["--format", "json"]
    return subprocess.run(
        args, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def resolved(compose_bin: str, empty_env_file: Path) -> dict[str, Any]:
    """``docker-compose config`` output with POSTGRES_PASSWORD set, parsed."""
    as_json = _supports_json(compose_bin)
    result = _run_config(
        compose_bin, empty_env_file, _compose_env(POSTGRES_PASSWORD=PASSWORD), as_json=as_json
    )
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout) if as_json else yaml.safe_load(result.stdout)
    assert isinstance(parsed, dict)
    return parsed


# --- normalising the two compose versions' output ----------------------------------------------


def _service(config: Mapping[str, Any], name: str) -> dict[str, Any]:
    services = config.get("services")
    assert isinstance(services, dict), "no services in the resolved compose file"
    assert name in services, f"service {name!r} missing; have {sorted(services)}"
    service = services[name]
    assert isinstance(service, dict)
    return service


def _environment(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        return dict(str(item).partition("=")[::2] for item in raw)
    assert isinstance(raw, dict)
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def _healthcheck_command(service: Mapping[str, Any]) -> str:
    healthcheck = service.get("healthcheck")
    assert isinstance(healthcheck, dict), "service has no healthcheck"
    assert not healthcheck.get("disable"), "healthcheck is disabled"
    test = healthcheck.get("test")
    return " ".join(str(part) for part in test) if isinstance(test, list) else str(test)


def _published_ports(service: Mapping[str, Any]) -> set[tuple[int, int]]:
    """``(published, target)`` pairs from short (``"8000:8000"``) or long port syntax."""
    pairs: set[tuple[int, int]] = set()
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            if port.get("published") not in (None, ""):
                pairs.add((int(port["published"]), int(port["target"])))
            continue
        parts = str(port).split("/")[0].split(":")
        if len(parts) >= 2:
            pairs.add((int(parts[-2]), int(parts[-1])))
    return pairs


# --- the Dockerfile ------------------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with comments dropped and continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions(DOCKERFILE.read_text())
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    assert starts, "Dockerfile has no FROM"
    return instructions[starts[-1] :]


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in _final_stage():
        if keyword != "ENV":
            continue
        words = shlex.split(arguments)
        if words and "=" not in words[0]:  # legacy ``ENV KEY value``
            env[words[0]] = " ".join(words[1:])
        else:
            env.update(word.partition("=")[::2] for word in words)
    return env


def _exec_form(arguments: str) -> list[str]:
    if arguments.startswith("["):
        value = json.loads(arguments)
        assert isinstance(value, list)
        return [str(part) for part in value]
    return shlex.split(arguments)


# --- compose tests -------------------------------------------------------------------------------


INSTANCES = ("ledger-1", "ledger-2")


def test_compose_file_uses_the_compose_specification() -> None:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(raw, dict)
    assert "version" not in raw, "the Compose Specification needs no top-level version key"
    assert set(raw["services"]) == {"postgres", *INSTANCES, "projector"}


@pytest.mark.parametrize("instance", INSTANCES)
def test_compose_resolves_every_service(resolved: dict[str, Any], instance: str) -> None:
    postgres = _service(resolved, "postgres")
    ledger = _service(resolved, instance)
    assert str(postgres["image"]).startswith("postgres:15")
    assert "build" in ledger
    assert ledger.get("restart") == "unless-stopped"
    assert _service(resolved, "projector").get("restart") == "unless-stopped"


@pytest.mark.parametrize("service", [*INSTANCES, "projector"])
def test_every_ledger_process_waits_for_a_healthy_postgres(
    resolved: dict[str, Any], service: str
) -> None:
    depends_on = _service(resolved, service).get("depends_on")
    assert isinstance(depends_on, dict), "depends_on needs the long form to carry a condition"
    assert depends_on["postgres"]["condition"] == "service_healthy"


def test_the_second_instance_and_the_worker_start_after_the_first_made_the_keys(
    resolved: dict[str, Any],
) -> None:
    for service in ("ledger-2", "projector"):
        depends_on = _service(resolved, service)["depends_on"]
        assert depends_on["ledger-1"]["condition"] == "service_healthy"


def test_postgres_healthcheck_runs_pg_isready(resolved: dict[str, Any]) -> None:
    postgres = _service(resolved, "postgres")
    env = _environment(postgres)
    words = _healthcheck_command(postgres).split()
    assert "pg_isready" in words
    assert words[words.index("-U") + 1] == env["POSTGRES_USER"]
    assert words[words.index("-d") + 1] == env["POSTGRES_DB"]


@pytest.mark.parametrize("service", [*INSTANCES, "projector"])
def test_ledger_database_url_names_the_postgres_service(
    resolved: dict[str, Any], service: str
) -> None:
    postgres_env = _environment(_service(resolved, "postgres"))
    url = urlsplit(_environment(_service(resolved, service))["LEDGER_DATABASE_URL"])
    assert url.scheme == "postgresql"
    assert url.hostname == "postgres"
    assert url.port in (None, 5432)
    assert url.username == postgres_env["POSTGRES_USER"]
    assert url.password == postgres_env["POSTGRES_PASSWORD"] == PASSWORD
    assert url.path == "/" + postgres_env["POSTGRES_DB"]


def test_the_instances_listen_on_all_interfaces_on_their_own_ports(
    resolved: dict[str, Any],
) -> None:
    published = set()
    for instance in INSTANCES:
        ledger = _service(resolved, instance)
        host = _environment(ledger).get("LEDGER_HOST") or _dockerfile_env().get("LEDGER_HOST")
        assert host == "0.0.0.0"  # noqa: S104 - inside the container, by design
        ports = _published_ports(ledger)
        assert len(ports) == 1
        published |= ports
    assert published == {(8000, 8000), (8001, 8000)}


@pytest.mark.parametrize("instance", INSTANCES)
def test_ledger_healthcheck_probes_readiness(resolved: dict[str, Any], instance: str) -> None:
    command = _healthcheck_command(_service(resolved, instance))
    assert "urllib" in command
    assert "/readyz" in command


def test_the_instances_fold_nothing_and_the_worker_projects(resolved: dict[str, Any]) -> None:
    for instance in INSTANCES:
        assert _environment(_service(resolved, instance))["LEDGER_PROJECTION"] == "external"
    projector = _service(resolved, "projector")
    command = projector["command"]
    words = command if isinstance(command, list) else shlex.split(command)
    assert words[:2] == ["provenance", "project"]
    heartbeat = words[words.index("--heartbeat") + 1]
    assert heartbeat in _healthcheck_command(projector)


def test_the_worker_takes_a_smaller_share_of_busy_cpus_than_the_instances(
    resolved: dict[str, Any],
) -> None:
    """Compose's counterpart of ``provenance project --nice 10`` (README): CPU shares order
    containers, a niceness only a container's own processes."""
    shares = int(_service(resolved, "projector")["cpu_shares"])
    for instance in INSTANCES:
        assert "cpu_shares" not in _service(resolved, instance)  # the default, 1,024
    assert 0 < shares <= 1024 // 8


@pytest.mark.parametrize(
    ("service", "target"),
    [
        *((instance, "/var/lib/provenance-ledger/keys") for instance in INSTANCES),
        *((instance, "/var/lib/provenance-ledger/state") for instance in INSTANCES),
        ("postgres", "/var/lib/postgresql/data"),
    ],
)
def test_keys_state_and_data_live_in_named_volumes(
    resolved: dict[str, Any], service: str, target: str
) -> None:
    named = set(resolved.get("volumes") or {})
    sources = []
    for volume in _service(resolved, service).get("volumes") or []:
        if isinstance(volume, dict):
            source, mounted = volume.get("source"), volume.get("target")
        else:
            source, mounted = str(volume).split(":")[:2]
        if mounted == target:
            sources.append(source)
    assert sources, f"{service}: nothing is mounted at {target}"
    assert sources[0] in named, f"{service}: {target} is not a named volume"


def test_the_instances_share_keys_and_state(resolved: dict[str, Any]) -> None:
    mounts = [
        sorted(
            str(v.get("source") if isinstance(v, dict) else v)
            for v in _service(resolved, i)["volumes"]
        )
        for i in INSTANCES
    ]
    assert mounts[0] == mounts[1]


def test_ledger_origin_can_be_overridden(compose_bin: str, empty_env_file: Path) -> None:
    origin = "ledger.example.org/prod"
    env = _compose_env(POSTGRES_PASSWORD=PASSWORD, LEDGER_ORIGIN=origin)
    result = _run_config(compose_bin, empty_env_file, env)
    assert result.returncode == 0, result.stderr
    assert origin in result.stdout


def test_ledger_origin_default(resolved: dict[str, Any]) -> None:
    env = _environment(_service(resolved, "ledger-1"))
    assert env["LEDGER_ORIGIN"] == "localhost/provenance-ledger"


def test_compose_refuses_to_run_without_a_postgres_password(
    compose_bin: str, empty_env_file: Path
) -> None:
    result = _run_config(compose_bin, empty_env_file, _compose_env())
    assert result.returncode != 0, "compose config succeeded without POSTGRES_PASSWORD"
    assert "POSTGRES_PASSWORD" in result.stdout + result.stderr


# --- Dockerfile tests ----------------------------------------------------------------------------


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [arguments for keyword, arguments in _final_stage() if keyword == "USER"]
    assert users, "the final stage sets no USER, so the server would run as root"
    user, _, group = users[-1].partition(":")
    assert user not in {"root", "0"}
    assert group not in {"root", "0"}


def test_dockerfile_has_a_healthcheck_on_healthz() -> None:
    healthchecks = [arguments for keyword, arguments in _final_stage() if keyword == "HEALTHCHECK"]
    assert healthchecks, "no HEALTHCHECK"
    assert healthchecks[-1].upper() != "NONE"
    assert "urllib" in healthchecks[-1]
    assert "http://127.0.0.1:8000/healthz" in healthchecks[-1]


def test_dockerfile_starts_provenance_serve() -> None:
    commands = [arguments for keyword, arguments in _final_stage() if keyword == "CMD"]
    assert commands, "no CMD"
    assert _exec_form(commands[-1]) == ["provenance", "serve"]


def test_dockerfile_image_settings() -> None:
    instructions = _instructions(DOCKERFILE.read_text())
    froms = [arguments.split()[0] for keyword, arguments in instructions if keyword == "FROM"]
    assert froms[-1] == "python:3.11-slim"
    final = _final_stage()
    assert ("WORKDIR", "/var/lib/provenance-ledger") in final
    assert any(keyword == "EXPOSE" and "8000" in arguments.split() for keyword, arguments in final)
    assert _dockerfile_env().get("LEDGER_HOST") == "0.0.0.0"  # noqa: S104 - container default
    installs = [a for k, a in instructions if k == "RUN" and "pip install" in a]
    assert installs, "the package is not installed with pip"
    assert not any("[dev]" in a or "-e " in a for a in installs), "no dev extras, no editable"


def test_dockerignore_keeps_secrets_and_clutter_out_of_the_context() -> None:
    patterns = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv", ".git", "keys", "*.db", ".mypy_cache", ".pytest_cache"):
        assert required in patterns, f".dockerignore does not exclude {required}"
