"""Server settings from flags, then environment variables, then defaults (DESIGN.md §9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from infra.cpu_affinity import AffinityError, check_cpu

DEFAULT_DATABASE_URL = "sqlite:///./provenance.db"
DEFAULT_ORIGIN = "localhost/provenance-ledger"
DEFAULT_OPERATOR_KEY = Path("keys/operator")
DEFAULT_LOG_KEY = Path("keys/log")
DEFAULT_STATE_DIR = Path("state")
PROJECTION_MODES = ("inline", "external")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_NICE = 19  # the lowest scheduling priority there is (Linux and the BSDs)


class SettingsError(ValueError):
    """A setting has a value the server cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    database_url: str = DEFAULT_DATABASE_URL
    operator_keys: tuple[Path, ...] = ()
    log_key: Path = DEFAULT_LOG_KEY
    origin: str = DEFAULT_ORIGIN
    state_dir: Path = DEFAULT_STATE_DIR
    projection: str = "inline"
    public_url: str | None = None
    serving_cpu: int | None = None  # keep the serving process on this CPU (infra.cpu_affinity)
    projection_nice: int = 0  # how far the projection worker lowers its scheduling priority

    @classmethod
    def resolve(
        cls,
        env: Mapping[str, str],
        *,
        host: str | None = None,
        port: int | None = None,
        database_url: str | None = None,
        operator_keys: Sequence[str] = (),
        log_key: str | None = None,
        origin: str | None = None,
        state_dir: str | None = None,
        projection: str | None = None,
        public_url: str | None = None,
        serving_cpu: int | None = None,
        projection_nice: int | None = None,
    ) -> Settings:
        """Flags win over ``LEDGER_*`` variables, which win over the defaults."""
        env_keys = [k.strip() for k in env.get("LEDGER_OPERATOR_KEYS", "").split(",") if k.strip()]
        settings = cls(
            host=host or env.get("LEDGER_HOST") or DEFAULT_HOST,
            port=port if port is not None else _port(env.get("LEDGER_PORT")),
            database_url=database_url or env.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            operator_keys=tuple(Path(p) for p in (operator_keys or env_keys)),
            log_key=Path(log_key or env.get("LEDGER_LOG_KEY") or DEFAULT_LOG_KEY),
            origin=origin or env.get("LEDGER_ORIGIN") or DEFAULT_ORIGIN,
            state_dir=Path(state_dir or env.get("LEDGER_STATE_DIR") or DEFAULT_STATE_DIR),
            projection=projection or env.get("LEDGER_PROJECTION") or "inline",
            public_url=_public_url(public_url or env.get("LEDGER_PUBLIC_URL")),
            serving_cpu=_cpu(serving_cpu, env.get("LEDGER_SERVING_CPU")),
            projection_nice=_nice(projection_nice, env.get("LEDGER_PROJECTION_NICE")),
        )
        if not 0 < settings.port < 65536:
            raise SettingsError(f"port {settings.port} is not a TCP port")
        if not settings.origin.strip() or any(c.isspace() for c in settings.origin):
            raise SettingsError("origin must be a non-empty line without spaces")
        if settings.projection not in PROJECTION_MODES:
            raise SettingsError(
                f"projection '{settings.projection}' is not one of {', '.join(PROJECTION_MODES)}"
            )
        if settings.serving_cpu is not None:
            try:
                check_cpu(settings.serving_cpu)
            except AffinityError as error:
                raise SettingsError(str(error)) from error
        external = settings.projection == "external"
        if external and not settings.database_url.lower().startswith(("postgresql:", "postgres:")):
            raise SettingsError(
                "--projection external needs a PostgreSQL database (the worker shares it); "
                "SQLite runs the projection inline"
            )
        return settings


def _port(text: str | None) -> int:
    if text is None or not text.strip():
        return DEFAULT_PORT
    if not text.strip().isdigit():
        raise SettingsError(f"LEDGER_PORT '{text}' is not a number")
    return int(text)


def _cpu(flag: int | None, text: str | None) -> int | None:
    """The CPU the serving process is kept on: the flag's, else the variable's; None: any."""
    cpu = _number(flag, text, "LEDGER_SERVING_CPU", "a CPU number")
    if cpu is not None and cpu < 0:
        raise SettingsError(f"serving CPU {cpu} is not a CPU number")
    return cpu


def _nice(flag: int | None, text: str | None) -> int:
    """How much the projection worker lowers its priority: the flag's, else the variable's,
    else 0; an increment of 0 to ``MAX_NICE`` (raising a priority needs privileges)."""
    meaning = f"a number from 0 to {MAX_NICE}"
    nice = _number(flag, text, "LEDGER_PROJECTION_NICE", meaning) or 0
    if not 0 <= nice <= MAX_NICE:
        raise SettingsError(f"nice {nice} is not {meaning}")
    return nice


def _number(flag: int | None, text: str | None, variable: str, meaning: str) -> int | None:
    """The flag's number, else the variable's (digits only); None when neither is set. A
    variable that is not digits is refused as not ``meaning``."""
    if flag is not None:
        return flag
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise SettingsError(f"{variable} '{text}' is not {meaning}")
    return int(text)


def _public_url(text: str | None) -> str | None:
    """The base URL links in exported documents use: ``http(s)://host[:port][/path]``, without
    a query, a fragment or a trailing slash; ``None`` (the request's own base URL) when unset."""
    if text is None or not text.strip():
        return None
    url = text.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as error:
        raise SettingsError(f"public URL '{text}' is not a URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"public URL '{text}' must be http(s)://host[:port][/path]")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError(
            f"public URL '{text}' must not carry a query, a fragment or credentials"
        )
    return url
