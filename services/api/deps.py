"""Dependencies shared by routes: the ledger services the app was created with."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from services.ledger_services import LedgerServices


def _services(request: Request) -> LedgerServices:
    return cast(LedgerServices, request.app.state.services)


Services = Annotated[LedgerServices, Depends(_services)]
