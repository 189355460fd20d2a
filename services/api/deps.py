"""Dependencies shared by routes: the ledger services the app was created with."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from services.ledger_services import LedgerServices


async def _services(request: Request) -> LedgerServices:
    """A coroutine on purpose: FastAPI runs a plain function dependency in its thread pool,
    and that hop would cost every request more than the read it serves."""
    return cast(LedgerServices, request.app.state.services)


Services = Annotated[LedgerServices, Depends(_services)]
