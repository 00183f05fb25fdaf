"""The operator home's "to do" list: each app registers at start-up a provider that tells, for one
user, how many things of that app wait for them (applications to review, reports to moderate,
appointments today, ...) and where to work on them. Providers use their app's own scoped
selectors, so a count never includes anything outside the user's ATS; accounts only collects them
(no app below imports an app above, see the layers contract)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class TodoItem:
    label: str | Promise
    count: int
    url: str
    # Lower first; apps leave gaps like the navigation's orders.
    order: int = 100
    # Overdue or due today: shown first and marked.
    urgent: bool = False


TodoProvider = Callable[[object], Iterable[TodoItem]]

_providers: list[TodoProvider] = []


def register_todo(provider: TodoProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def todo_for(user) -> list[TodoItem]:
    """What waits for `user`, only what has a count above zero: urgent first, then by order."""
    if not user.is_authenticated:
        return []
    items = [item for provider in _providers for item in provider(user) if item.count > 0]
    return sorted(items, key=lambda item: (not item.urgent, item.order, str(item.label)))
