"""Accounts for tests. gwlib reads the writer's account inside every write, so every writer a
test uses has to exist in ``app_user``; these are made without passwords (no Argon2 cost)."""

from __future__ import annotations

from collections.abc import Mapping

from gwlib.store import Store
from gwlib.store.audit import Actor
from gwlib.store.users import create_user, users

#: The command line, as ``python -m gwlib users add`` runs it.
LOCAL = Actor.command_line("pytest")


def add_accounts(store: Store, roles: Mapping[str, str]) -> None:
    """Create the accounts ``{name: role}`` that do not exist yet."""
    have = set(users(store)["username"])
    for name, role in roles.items():
        if name not in have:
            create_user(store, name, role, None, by=LOCAL)
