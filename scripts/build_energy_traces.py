"""Rebuild ``data/energy_traces.csv`` from Global Energy Monitor's published pipeline routes.

Run from the repository root (the script puts the repository root on ``sys.path`` itself)::

    python scripts/build_energy_traces.py --gem-dir path/to/gem-files
    python scripts/build_energy_traces.py --gem-dir path/to/gem-files --check   # compare, write nothing

What the input is
-----------------
Global Energy Monitor (GEM) publishes the routes of its Global Oil and Global Gas Infrastructure Trackers
(GOIT, GGIT) on GitHub under CC BY 4.0, one GeoJSON file per project, named by GEM's project id
(``P0644.geojson``); oil routes were also published together in one file. ``TRACES`` below lists, for each
line of ``energy_links.csv`` drawn along a GEM route, the project id and the file GEM published it in, at
the commit read. Put those files (each as published: the combined file, or single-project files named
``<ProjectID>.geojson``) in one folder and pass it as ``--gem-dir``; a missing project is named with its URL.
Nothing here is imported by the app, and the GEM files are never copied into the repository.

What is built
-------------
For each trace: the project's LineString and MultiLineString parts are merged into one line (the script
stops, naming the project, if they do not join into one), simplified by at most ``TOLERANCE_DEG`` (about
10 m, which changes no length by more than 0.1 %), and written as WKT rounded to 5 decimals (about 1 m). The
app runs each trace from the end nearer the line's first named waypoint to the end nearer its last, and
joins an end to the named terminal where ``join_start``/``join_end`` say the trace stops short of it.

Which lines have a trace, and why
---------------------------------
A GEM route is used where it follows the line more closely than the named waypoints the sources support:
GEM traced it from the operator's route maps (BTC, Baku-Supsa, SCP, East-West) or took it from OpenStreetMap
(TAP and Central Asia-China Line A, whose GEM files carry OpenStreetMap tags or ids: © OpenStreetMap
contributors, ODbL). Every named waypoint of a traced line lies within 25 km of the trace, except where a note
says why (the app shows each line's largest distance), which cross-checks the two independent sources. GEM's
routes for CPC (12 points, shorter than the waypoints), TANAP (parts overlapping near Eskisehir), Line D (3
points), the proposed Trans-Caspian pipeline (a sketch) and Uzen-Atyrau-Samara (a longer line than the
Atyrau-Samara section drawn here) are not used.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import shapely  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from shapely.ops import linemerge  # noqa: E402

TOLERANCE_DEG = 0.0001
DECIMALS = 5
OUTPUT = REPO / "data" / "energy_traces.csv"
COLUMNS = ["link_id", "trace", "accuracy", "join_start", "join_end", "note", "sources", "wkt"]

_LIQUID = ("https://github.com/GlobalEnergyMonitor/GOIT-GGIT-pipeline-routes/blob/"
           "ea0123e48b708956f59bf0440147bfd3b30991de/data/GEM-liquid-pipelines-for-GitHub-2024-03-19.geojson")
_GAS = ("https://github.com/GlobalEnergyMonitor/goit-ggit-pipeline-routes/blob/"
        "7945487bcb00426fb13fb56e72210fe12156986a/data/individual-routes/gas-pipelines/{pid}.geojson")


@dataclass(frozen=True)
class Trace:
    """One line of energy_links.csv drawn along a GEM route."""

    link_id: str
    project: str
    url: str
    join_start: bool
    join_end: bool
    note: str
    sources: str


TRACES = (
    Trace("btc", "P0644", _LIQUID, True, False,
          "GEM's 'Baku-Tbilisi-Ceyhan Pipeline' route (traced from route maps; GEM lists them). The trace begins "
          "about 22 km west of the Sangachal terminal and is joined to it; it ends at the marine terminal on the "
          "coast, so it is not joined to the Ceyhan waypoint (placed at the town).",
          "gem-goit-routes"),
    Trace("baku-supsa", "P0643", _LIQUID, True, True,
          "GEM's 'Baku Supsa Oil Pipeline' route (traced from bp's ESIA route map). Joined to the Sangachal "
          "terminal (the trace begins about 22 km west of it) and to the Supsa terminal (3 km).",
          "gem-goit-routes"),
    Trace("scp", "P0759", _GAS.format(pid="P0759"), False, True,
          "GEM's 'South Caucasus Gas Pipeline' route in two parts, Baku-Aghstafa and Aghstafa-Vale, merged. "
          "It ends at the Vale metering station and is joined to the Georgia-Turkey border point (about 11 km).",
          "gem-ggit-routes;gem-ggit-ids"),
    Trace("tap", "P0724", _GAS.format(pid="P0724"), False, False,
          "GEM's 'Trans-Adriatic Gas Pipeline' route, 36 pieces merged; its pieces carry OpenStreetMap tags "
          "(geometry from OpenStreetMap contributors, ODbL). Kipoi to the receiving terminal at Melendugno.",
          "gem-ggit-routes;gem-ggit-ids;osm-tap"),
    Trace("cagp-abc", "P2299", _GAS.format(pid="P2299"), False, False,
          "GEM's route for the 'Central Asia-China Gas Pipeline, Line A', which is OpenStreetMap relation 8165751 "
          "(geometry from OpenStreetMap contributors, ODbL); GEM gives Line B the same route, and Lines A, B and C "
          "run side by side. It begins on the right bank of the Amu Darya in Turkmenistan near the Uzbek border, "
          "about 45 km from the Saman-Depe waypoint (the Turkmen feeders are not traced), and ends at Horgos.",
          "gem-ggit-routes;gem-ggit-ids;osm-cagp"),
    Trace("east-west-tm", "P0745", _GAS.format(pid="P0745"), False, False,
          "GEM's 'East-West Gas Pipeline' route (19 points). Its ends lie 19 km from Shatlyk and 11 km from Belek, "
          "the settlements that stand in for the compressor stations; not joined.",
          "gem-ggit-routes;gem-ggit-ids"),
)


def features_of(gem_dir: Path, project: str) -> list[dict]:
    """Return the GeoJSON features of `project` found in `gem_dir`: a ``<project>.geojson`` / ``.json`` file
    (FeatureCollection or single Feature), else the features with that ``ProjectID`` in any other file."""
    for name in (f"{project}.geojson", f"{project}.json"):
        path = gem_dir / name
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return data["features"] if data.get("type") == "FeatureCollection" else [data]
    found = []
    for path in sorted(gem_dir.glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found += [f for f in data.get("features", []) if (f.get("properties") or {}).get("ProjectID") == project]
    return found


def merged_line(features: list[dict], project: str) -> shapely.LineString:
    """Merge the line parts of `features` into one LineString; raise ValueError naming `project` if they do not
    form one line."""
    parts = []
    for feature in features:
        if feature.get("geometry"):
            geometry = shape(feature["geometry"])
            parts += list(geometry.geoms) if geometry.geom_type == "MultiLineString" else [geometry]
    if not parts:
        raise ValueError(f"{project}: no route geometry in the GEM file")
    line = linemerge(parts) if len(parts) > 1 else parts[0]
    if line.geom_type != "LineString":
        raise ValueError(f"{project}: the route's {len(parts)} parts do not join into one line")
    return line


def trace_row(trace: Trace, features: list[dict]) -> dict[str, str]:
    """Return the energy_traces.csv row for `trace` from its GEM `features`."""
    line = merged_line(features, trace.project)
    simplified = shapely.simplify(line, TOLERANCE_DEG, preserve_topology=False)
    rounded = shapely.set_precision(simplified, 10 ** -DECIMALS)
    accuracy = next(((f.get("properties") or {}).get("RouteAccuracy") for f in features
                     if (f.get("properties") or {}).get("RouteAccuracy")), "")
    return {
        "link_id": trace.link_id, "trace": f"GEM {trace.project}", "accuracy": accuracy,
        "join_start": str(trace.join_start).lower(), "join_end": str(trace.join_end).lower(),
        "note": trace.note, "sources": trace.sources, "wkt": shapely.to_wkt(rounded, rounding_precision=DECIMALS),
    }


def build(gem_dir: Path, traces=TRACES) -> str:
    """Return the text of energy_traces.csv built from the GEM files in `gem_dir`."""
    rows, missing = [], []
    for trace in traces:
        features = features_of(gem_dir, trace.project)
        if not features:
            missing.append(f"{trace.project} ({trace.link_id}): {trace.url}")
            continue
        rows.append(trace_row(trace, features))
    if missing:
        raise FileNotFoundError("GEM routes not found in " + str(gem_dir) + ":\n  " + "\n  ".join(missing))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gem-dir", type=Path, required=True, help="folder holding the GEM route files")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output would differ; write nothing")
    args = parser.parse_args(argv)
    try:
        text = build(args.gem_dir)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs'}")
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.splitlines()) - 1} traces)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
