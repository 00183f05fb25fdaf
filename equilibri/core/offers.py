"""Offers for the catalogue's "what can I get?" helper that other apps make (e.g. the open voucher
schemes). The catalogue and vouchers are on the same layer, so neither imports the other: vouchers
registers a provider here and the catalogue asks for the offers."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Offer:
    title: str
    url: str
    description: str = ""


# fn(comune or None, employer organisation or None, ages) -> offers, as Offer or dicts
OfferProvider = Callable[[Any, Any, list[int]], Iterable[Offer | dict]]
_providers: list[OfferProvider] = []


def register_offer_provider(fn: OfferProvider) -> None:
    if fn not in _providers:
        _providers.append(fn)


def unregister_offer_provider(fn: OfferProvider) -> None:
    if fn in _providers:
        _providers.remove(fn)


def offers_for(comune, employer, ages: list[int]) -> list[Offer]:
    out: list[Offer] = []
    for fn in _providers:
        for item in fn(comune, employer, ages) or ():
            if isinstance(item, Offer):
                out.append(item)
            else:
                out.append(
                    Offer(
                        str(item.get("title", "")),
                        str(item.get("url", "")),
                        str(item.get("description", "")),
                    )
                )
    return out
