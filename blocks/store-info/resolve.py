"""store-info: what a client needs beyond the settings: the name to show (the shop's when none
is set), a map link for H5 and a map target for the mini-program. No queries."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

AMAP = "https://uri.amap.com"


def map_url(name: str, address: str, latitude: float | None, longitude: float | None) -> str | None:
    """An Amap (高德) link that opens the store on a map in any mobile browser."""
    if latitude is not None and longitude is not None:
        query = urlencode({"position": f"{longitude},{latitude}", "name": name or address,
                           "callnative": 1}, quote_via=quote)
        return f"{AMAP}/marker?{query}"
    if address:
        return f"{AMAP}/search?{urlencode({'keyword': address}, quote_via=quote)}"
    return None


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    out = {}
    for instance in batch:
        s = instance.settings
        name = s.get("name") or ctx.shop.name
        lat, lng = s.get("latitude"), s.get("longitude")
        phone = "".join(ch for ch in s.get("phone", "") if ch.isdigit() or ch == "+")
        out[instance.id] = {
            "name": name,
            "map_url": map_url(name, s.get("address", ""), lat, lng),
            "location": ({"latitude": lat, "longitude": lng, "name": name,
                          "address": s.get("address", "")}
                         if lat is not None and lng is not None else None),
            "tel": f"tel:{phone}" if phone else None,
        }
    return out
