"""The reserved area's navigation: each app adds its entries at start-up."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    allowed: Callable[[object], bool]
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def nav_for(user) -> list[NavItem]:
    return [item for item in _items if item.allowed(user)]
