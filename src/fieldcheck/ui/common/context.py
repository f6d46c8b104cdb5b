"""What every screen needs: the opened store, the background runner and who is working."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldcheck.ui.common.tasks import Tasks

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: keep it out of the first window paint
    from fieldcheck.store import Store
    from fieldcheck.store.database import Identity


@dataclass
class AppContext:
    store: Store
    tasks: Tasks
    identity: Identity
    demo: bool = False
