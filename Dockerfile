# provenance-ledger server image.
#
#   docker build -t provenance-ledger .
#   docker run -p 8000:8000 -v provenance-keys:/var/lib/provenance-ledger/keys \
#     -e LEDGER_DATABASE_URL=postgresql://user:password@host:5432/db provenance-ledger
#
# Keys (./keys/operator and ./keys/log, created on first run unless LEDGER_OPERATOR_KEYS and
# LEDGER_LOG_KEY name existing PEM files) live in the keys volume. Without LEDGER_DATABASE_URL the
# server falls back to SQLite in the working directory, which is not a volume: use PostgreSQL (see
# docker-compose.yml) for data that must outlive the container.

# --- build: install the package (runtime dependencies only, no dev extras) into a venv ---
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# .dockerignore keeps the venv, caches, keys and databases out of the context.
COPY . .
RUN pip install . \
    && provenance --help >/dev/null

# --- runtime: the venv only, run as an unprivileged user ---
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LEDGER_HOST=0.0.0.0 \
    LEDGER_PORT=8000

RUN groupadd --system --gid 10001 provenance \
    && useradd --system --uid 10001 --gid provenance \
        --home-dir /var/lib/provenance-ledger --no-create-home --shell /usr/sbin/nologin provenance \
    && mkdir -p /var/lib/provenance-ledger/keys /var/lib/provenance-ledger/state \
    && chown -R provenance:provenance /var/lib/provenance-ledger \
    && chmod 0700 /var/lib/provenance-ledger/keys

COPY --from=build /opt/venv /opt/venv

WORKDIR /var/lib/provenance-ledger
# The directory is created and chowned above, so a new named volume starts owned by provenance.
VOLUME ["/var/lib/provenance-ledger/keys", "/var/lib/provenance-ledger/state"]
USER provenance:provenance

EXPOSE 8000

# slim has no curl: probe liveness with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["provenance", "serve"]
