"""File formats the atlas writes: one registry that the exports, the command line and the pages' download
buttons read (extension, media type, label and what each format can hold)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.errors import UsageError


@dataclass(frozen=True)
class Format:
    """One output format.

    Parameters
    ----------
    name : str
        The id used on the command line (``--format``) and in code.
    extension : str
        File extension without the dot.
    mime : str
        Media type of one file of this format.
    label : str
        Button label (of a whole view's download, for data formats).
    short : str
        Short button label, for a single layer's download beside the view's (e.g. ``GPKG``).
    layer : bool
        Holds one exported layer (a table with or without geometry).
    view : bool
        Holds a whole view: every visible layer plus its metadata. A format that holds one table per file gets
        a ZIP of files (`bundle_extension`, `bundle_mime`).
    picture : bool
        Draws the view (a map or an image) instead of holding its rows.
    """

    name: str
    extension: str
    mime: str
    label: str
    layer: bool = False
    view: bool = False
    picture: bool = False
    bundle_extension: str | None = None
    bundle_mime: str | None = None
    short: str = ""

    @property
    def view_extension(self) -> str:
        return self.bundle_extension or self.extension

    @property
    def view_mime(self) -> str:
        return self.bundle_mime or self.mime

    @property
    def view_label(self) -> str:
        return f"{self.label} (zip)" if self.bundle_extension else self.label


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("geojson", "geojson", "application/geo+json", "GeoJSON", layer=True, view=True,
           bundle_extension="zip", bundle_mime="application/zip", short="GeoJSON"),
    Format("csv", "csv", "text/csv", "CSV", layer=True, view=True, bundle_extension="zip", bundle_mime="application/zip",
           short="CSV"),
    Format("gpkg", "gpkg", "application/geopackage+sqlite3", "GeoPackage", layer=True, view=True, short="GPKG"),
    Format("html", "html", "text/html", "Map as HTML (works offline)", picture=True),
    Format("png", "png", "image/png", "Image for slides (PNG)", picture=True),
    Format("svg", "svg", "image/svg+xml", "Image for slides (SVG)", picture=True),
)}
LAYER_FORMATS = tuple(n for n, f in FORMATS.items() if f.layer)
VIEW_FORMATS = tuple(n for n, f in FORMATS.items() if f.view)
PICTURE_FORMATS = tuple(n for n, f in FORMATS.items() if f.picture)
IMAGE_FORMATS = tuple(n for n in PICTURE_FORMATS if n != "html")
"""The pictures `geo.image` draws (with matplotlib); listed here so that offering them loads no matplotlib."""
_SUFFIX_ALIASES = {"json": "geojson", "htm": "html"}


def format_for(path: str | Path, fmt: str | None = None, *, allowed: tuple[str, ...] = LAYER_FORMATS) -> str:
    """Return the format to write: `fmt` if given, else the one the file's extension names.

    Raises
    ------
    UsageError
        If the format is not one of `allowed`, naming the allowed ones.
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        fmt = _SUFFIX_ALIASES.get(suffix, suffix)
    if fmt not in allowed:
        hint = " (a .zip needs --format geojson or csv)" if suffix == "zip" else ""
        raise UsageError(f"format {fmt!r} is not one of {', '.join(allowed)}{hint}")
    return fmt
