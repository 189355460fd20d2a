"""A minimal keep-alive HTTP/1.1 load generator for loopback benchmarks.

Written by hand because the Python HTTP clients (httpx, here) top out near 400 requests/s on
this machine — below the server under test — and would measure the client instead. Each
connection sends pre-built request bytes and reads exactly ``Content-Length`` bytes back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    completed: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.completed / self.elapsed if self.elapsed else 0.0


def post_request(host: str, port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _connection(
    host: str, port: int, requests: Iterator[bytes], deadline: float, result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            if time.perf_counter() >= deadline:
                return
            sent = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            result.latencies.append(time.perf_counter() - sent)
            status = int(status_line.split()[1])
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.completed += 1
    finally:
        writer.close()


async def run_load(
    host: str, port: int, requests: list[bytes], concurrency: int, seconds: float
) -> LoadResult:
    """Send ``requests`` (each at most once) over ``concurrency`` connections for ``seconds``."""
    shared = iter(requests)
    result = LoadResult()
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(_connection(host, port, shared, deadline, result) for _ in range(concurrency))
    )
    result.elapsed = time.perf_counter() - start
    return result
