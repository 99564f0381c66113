"""Command line: ``python -m geo export LAYER --format geojson|csv|gpkg -o PATH [filters]`` and
``python -m geo validate``. Errors are one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import vocab
from geo.errors import DataError, UsageError
from geo.export import FILTER_HELP, LAYERS, export_frame, parse_filters, write_frame
from geo.formats import FORMATS, LAYER_FORMATS, format_for
from geo.load import DATA_DIR_ENV, load_atlas
from geo.network import NoRouteError

VIEW_OUTPUTS = tuple(name for name, f in FORMATS.items() if f.view or f.picture)
"""What ``export --view`` writes: the view's layers in a data format, or a picture of it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, then exit 2 (argparse's own prints usage over several lines)
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _layers_epilog() -> str:
    lines = ["layers and the filters each accepts:"]
    for layer in LAYERS.values():
        flags = ", ".join("--" + f.replace("_", "-") for f in layer.filters) or "no filters"
        lines.append(f"  {layer.name:<12} {layer.description}; filters: {flags}")
        for name, note in layer.notes.items():
            lines.append(f"  {'':<12}   --{name.replace('_', '-')}: {note}")
        if "status" in layer.filters:
            lines.append(f"  {'':<12}   --status: {', '.join(layer.statuses)}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m geo", description="C6 Atlas data tools.")
    parser.add_argument("--data-dir", help=f"data folder (default ${DATA_DIR_ENV} or the repository's data/)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    export = sub.add_parser(
        "export",
        help="export a layer, filtered",
        description="Export one layer of the atlas, filtered, as GeoJSON, CSV or GeoPackage.",
        epilog=_layers_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("layer", nargs="?", choices=list(LAYERS), metavar="LAYER",
                        help=f"one of: {', '.join(LAYERS)} (or --view instead)")
    export.add_argument(
        "--view", metavar="LINK",
        help="a page's permalink or its query string, e.g. \"?page=transport&mode=ferry\": writes what that view "
        "shows: gpkg (every visible layer + metadata), geojson or csv (a ZIP of the layers + metadata.json), "
        "html (the map, offline), png (1920x1080) or svg",
    )
    export.add_argument("--indicator", metavar="CSV",
                        help="with --view on overview or membership: colour the countries by this CSV (country, value, year)")
    export.add_argument("--format", "-f", choices=list(FORMATS),
                        help="output format (default: from the file extension)")
    export.add_argument("-o", "--output", required=True, metavar="PATH", help="file to write")
    export.add_argument("--iso3", nargs="+", metavar="ISO3", help=FILTER_HELP["iso3"])
    export.add_argument("--body", nargs="+", metavar="BODY", help=FILTER_HELP["body"])
    export.add_argument("--status", nargs="+", metavar="STATUS", help=FILTER_HELP["status"])
    export.add_argument("--as-of", metavar="DATE", help=FILTER_HELP["as_of"])
    export.add_argument("--corridor", nargs="+", metavar="CORRIDOR", help=FILTER_HELP["corridor"])
    export.add_argument("--mode", nargs="+", metavar="MODE", help=FILTER_HELP["mode"])
    export.add_argument("--commodity", nargs="+", metavar="COMMODITY", help=FILTER_HELP["commodity"])
    route = sub.add_parser(
        "route",
        help="shortest route between two nodes",
        description="Shortest route on the transport network by geodesic km, with its legs and total.",
    )
    route.add_argument("origin", metavar="FROM", help="node id from nodes.csv, e.g. xian")
    route.add_argument("destination", metavar="TO", help="node id, e.g. istanbul")
    route.add_argument("--avoid", nargs="+", metavar="ISO3", default=[], help="countries the route must not enter")
    route.add_argument("--exclude-mode", nargs="+", metavar="MODE", default=[],
                       help=f"modes not to use: {', '.join(vocab.MODE)}")
    route.add_argument(
        "--status", nargs="+", metavar="STATUS", default=["operational"],
        help=f"segment statuses allowed (default operational): {', '.join(vocab.INFRA_STATUS)}",
    )
    route.add_argument("--format", choices=["text", "geojson"], default="text", help="text (default) or geojson")
    route.add_argument("-o", "--output", metavar="PATH", help="file for --format geojson (default: standard output)")
    sub.add_parser("validate", help="check every data file and list all problems")
    return parser


def _route(atlas, args) -> int:
    import json

    from geo.routing import plan_geojson, plan_route, plan_text

    bad = [m for m in args.exclude_mode if m not in vocab.MODE] + [s for s in args.status if s not in vocab.INFRA_STATUS]
    if bad:
        raise UsageError(f"unknown mode or status {', '.join(bad)}; modes: {', '.join(vocab.MODE)}; "
                         f"statuses: {', '.join(vocab.INFRA_STATUS)}")
    plan = plan_route(
        atlas, args.origin, args.destination, avoid_iso3=[c.upper() for c in args.avoid],
        exclude_modes=args.exclude_mode, statuses=args.status,
    )
    if args.format == "geojson":
        text = json.dumps(plan_geojson(atlas, plan), ensure_ascii=False)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
            print(f"wrote the route ({len(plan.legs)} legs, {plan.total_km:,.0f} km) to {args.output}")
        else:
            print(text)
    else:
        print(plan_text(atlas, plan))
    return 0


def _export_view(atlas, args, prog: str) -> int:
    from pathlib import Path

    from geo.export import view_bundle, view_metadata
    from geo.scenes import scene_for_link

    if args.layer is not None:
        raise UsageError("give either a LAYER or --view, not both")
    used = [f for f in ("iso3", "body", "status", "as_of", "corridor", "mode", "commodity") if getattr(args, f)]
    if used:
        raise UsageError(f"--{used[0].replace('_', '-')} does not go with --view: the view's query string holds its filters")
    fmt = format_for(args.output, args.format, allowed=VIEW_OUTPUTS)
    indicator = None
    if args.indicator:
        from geo.upload import read_indicator

        path = Path(args.indicator)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read --indicator {args.indicator}: {exc.strerror or exc}") from None
        indicator, problems = read_indicator(data, atlas, file=path.name)
        for problem in problems:
            print(f"{prog}: note: row left out: {problem}", file=sys.stderr)
    scene, query, notices = scene_for_link(atlas, args.view, indicator=indicator)
    for notice in notices:
        print(f"{prog}: note: {notice}", file=sys.stderr)
    if fmt in ("png", "svg"):
        from geo.image import render_image

        data = render_image(atlas, scene, fmt)
    elif fmt == "html":
        from geo.maps import scene_base, scene_layer, standalone_html

        data = standalone_html(scene_base(atlas, scene), scene_layer(scene),
                               title=f"C6 Atlas · {scene.title}").encode("utf-8")
    else:
        data = view_bundle(scene.layers, fmt, view_metadata(atlas, page=scene.page, query=query, layers=scene.layers))
    with open(args.output, "wb") as fh:
        fh.write(data)
    rows = ", ".join(f"{name} {len(frame)}" for name, frame in scene.layers.items())
    print(f"wrote the {scene.page} view ({rows}) to {args.output} ({fmt}, {len(data):,} bytes)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        atlas = load_atlas(args.data_dir)
        if args.command == "validate":
            print(f"data in {atlas.folder} is valid (version {atlas.version})")
            return 0
        if args.command == "route":
            return _route(atlas, args)
        if args.view is not None:
            return _export_view(atlas, args, parser.prog)
        if args.layer is None:
            raise UsageError("give a LAYER or --view")
        if args.indicator:
            raise UsageError("--indicator goes with --view")
        fmt = format_for(args.output, args.format, allowed=LAYER_FORMATS)
        filters = parse_filters(
            iso3=args.iso3, body=args.body, status=args.status, as_of=args.as_of, corridor=args.corridor,
            mode=args.mode, commodity=args.commodity,
        )
        frame = export_frame(atlas, args.layer, filters)
        path = write_frame(frame, args.output, fmt, layer=args.layer)
    except DataError as exc:
        print(f"{parser.prog}: the data is not valid:\n{exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"{parser.prog}: error: {exc} (see --help)", file=sys.stderr)
        return 2
    except NoRouteError as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 3
    except OSError as exc:
        print(f"{parser.prog}: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(frame)} {args.layer} row{'s' if len(frame) != 1 else ''} to {path} ({fmt})")
    return 0
