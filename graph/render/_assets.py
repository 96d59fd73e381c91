"""vis-network's script and style sheet, read from the copy the pyvis package ships.

This is the one place pubgraph imports pyvis: only to find those files. Inlining them is
what makes pages work offline; pyvis's own template links Bootstrap and tom-select from
CDNs whatever ``cdn_resources`` says (see DESIGN.md, "Performance model").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import NetworkError

__all__ = ["VIS_VERSION", "vis_assets"]

VIS_VERSION = "9.1.2"


@cache
def vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) as text, ready to inline.

    >>> script, style = vis_assets()
    >>> "vis-network" in script[:200], "</script" in script.lower()
    (True, False)
    """
    try:
        import pyvis
    except ImportError as err:
        raise NetworkError("drawing networks needs pyvis (for vis-network): pip install pyvis") from err
    folder = Path(pyvis.__file__).parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise NetworkError(f"vis-network {VIS_VERSION} is missing from pyvis at {folder}: reinstall pyvis") from err
    # Inline script and style end at the first closing tag, whatever the quoting.
    return script.replace("</script", "<\\/script"), style.replace("</style", "<\\/style")
