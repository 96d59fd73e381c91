"""Interactive, offline HTML pages of networks (vis-network, inlined). Only this package imports pyvis.

Names are imported on first use, so listing the options (``COLOR_BY`` …) costs nothing.

>>> COLOR_BY
('community', 'year', 'journal')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._options import COLOR_BY, LAYOUTS, SIZE_BY

if TYPE_CHECKING:
    from .notebook import Map, render_map
    from .page import PageSummary, render_page

__all__ = ["COLOR_BY", "LAYOUTS", "SIZE_BY", "Map", "PageSummary", "render_map", "render_page"]
_HOMES = {"Map": ".notebook", "render_map": ".notebook", "PageSummary": ".page", "render_page": ".page"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
