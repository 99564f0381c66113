"""A synthetic "10× edition" of the data, for the benchmark: every node, segment, line and point ten times.

    python bench/edition.py OUT_DIR [--factor 10]

Copies ``data/`` and adds, for k = 1 … factor-1, a copy of every node, transport segment (with its waypoints),
energy line (with its waypoints and trace), air link and meeting venue, offset k × 0.35° east and k × 0.2° south
so the copies do not lie on top of each other. Ids get a ``-x<k>`` suffix and references follow them; every other
file is as shipped. The result loads and validates like the real data (point ``ATLAS_DATA_DIR`` at it).
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DLON, DLAT = 0.35, -0.2


def _shift_wkt(wkt: str, k: int) -> str:
    def one(match: re.Match) -> str:
        return f"{float(match.group(1)) + k * DLON:.5f} {float(match.group(2)) + k * DLAT:.5f}"

    return re.sub(r"(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)", one, wkt)


def _copies(frame: pd.DataFrame, factor: int, change) -> pd.DataFrame:
    parts = [frame]
    for k in range(1, factor):
        copy = frame.copy()
        change(copy, k)
        parts.append(copy)
    return pd.concat(parts, ignore_index=True)


def _move(copy: pd.DataFrame, k: int, lat: str = "lat", lon: str = "lon") -> None:
    copy[lat] = (copy[lat].astype(float) + k * DLAT).round(5).astype(str)
    copy[lon] = (copy[lon].astype(float) + k * DLON).round(5).astype(str)


def write_edition(out: Path, factor: int = 10, source: Path = REPO / "data") -> Path:
    """Write the synthetic edition into `out` (created or replaced); return it."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(source / name, dtype=str, keep_default_na=False)

    def write(name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(out / name, index=False)

    def suffix(column: str, k: int, copy: pd.DataFrame) -> None:
        copy[column] = copy[column] + f"-x{k}"

    def nodes(c, k):
        suffix("id", k, c)
        _move(c, k)

    def routes(c, k):
        for column in ("id", "from_node", "to_node"):
            suffix(column, k, c)
        c["published_length_km"] = ""

    def route_points(c, k):
        suffix("route_id", k, c)
        _move(c, k)

    def energy(c, k):
        suffix("id", k, c)
        c["published_length_km"] = ""

    def energy_points(c, k):
        suffix("link_id", k, c)
        _move(c, k)

    def traces(c, k):
        suffix("link_id", k, c)
        c["wkt"] = [_shift_wkt(w, k) for w in c["wkt"]]

    def air(c, k):
        suffix("id", k, c)
        _move(c, k, "origin_lat", "origin_lon")
        _move(c, k, "destination_lat", "destination_lon")

    def meetings(c, k):
        c["number"] = [str(int(n) + 100 * k) if n else "" for n in c["number"]]
        _move(c, k)

    for name, change in (("nodes.csv", nodes), ("routes.csv", routes), ("route_waypoints.csv", route_points),
                         ("energy_links.csv", energy), ("energy_waypoints.csv", energy_points),
                         ("energy_traces.csv", traces), ("air_links.csv", air), ("meetings.csv", meetings)):
        write(name, _copies(read(name), factor, change))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args(argv)
    write_edition(args.out, args.factor)
    print(f"wrote a {args.factor}× edition to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
