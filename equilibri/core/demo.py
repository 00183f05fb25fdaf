"""Demo data: each app registers a loader; `load_demo` runs them in layer order.

Demo accounts have public passwords, so loading them is refused unless DEMO=1.
"""

from collections.abc import Callable
from dataclasses import dataclass

DEMO_PASSWORD = "Equilibri-demo-2026"
DEMO_TOTP_SECRET = "EQUILIBRIDEMOTOTPSECRET2345ABCDE"  # base32, public on purpose

_loaders: list[tuple[int, str, Callable[[], None]]] = []


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    scope: str
    two_factor: bool


accounts: dict[str, DemoAccount] = {}


def register_loader(order: int, name: str, loader: Callable[[], None]) -> None:
    if all(existing != name for _order, existing, _loader in _loaders):
        _loaders.append((order, name, loader))
        _loaders.sort(key=lambda item: item[0])


def loaders() -> list[tuple[int, str, Callable[[], None]]]:
    return list(_loaders)


def record_account(email: str, role: str, scope: str, two_factor: bool) -> None:
    accounts[email] = DemoAccount(email, role, scope, two_factor)
