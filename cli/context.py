"""What every command shares: the chosen database path, opened on first use."""

from dataclasses import dataclass, field
from pathlib import Path

import click

from inspector.store import Store, open_store


@dataclass
class AppContext:
    db_path: Path
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)
