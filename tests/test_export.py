"""Export round trips (export, read back: same rows and geometries) and the command line."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pyogrio
import pytest
import shapely

from bench.browser import REPO
from geo.cli import main
from geo.errors import UsageError
from geo.export import LAYERS, Filters, export_frame, parse_filters, read_back, write_frame
from geo.formats import LAYER_FORMATS as FORMATS
from geo.formats import format_for


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", list(LAYERS))
def test_round_trip(tiny_atlas, tmp_path, layer, fmt):
    frame = export_frame(tiny_atlas, layer, Filters())
    path = write_frame(frame, tmp_path / f"out.{fmt}", fmt, layer=layer)
    back = read_back(path, fmt, layer=layer)
    assert len(back) == len(frame)
    key = {"countries": "iso3", "memberships": "iso3", "meetings": "date"}.get(layer, "id")
    assert back[key].astype(str).tolist() == frame[key].astype(str).tolist()
    if "geometry" in getattr(frame, "columns", []) and layer not in ("meetings", "nodes", "water_features"):
        originals = list(frame.geometry)
        restored = shapely.from_wkt(back["geometry"].tolist()) if fmt == "csv" else list(back.geometry)
        for a, b in zip(originals, restored):
            assert a.equals_exact(b, tolerance=1e-5)


def test_memberships_as_of_and_filters(tiny_atlas):
    f = parse_filters(as_of="2024-01-01", body=["ca_consultative"], iso3=["aze"])
    frame = export_frame(tiny_atlas, "memberships", f)
    assert frame[["iso3", "status", "since"]].values.tolist() == [["AZE", "guest_of_honour", "2023-09-14"]]
    frame = export_frame(tiny_atlas, "memberships", parse_filters(status=["unknown"]))
    assert frame["iso3"].tolist() == ["TUR"]


def test_countries_status_filter_needs_one_body(tiny_atlas):
    frame = export_frame(tiny_atlas, "countries", parse_filters(body=["ca_consultative"], status=["member"], as_of="2025-11-16"))
    assert frame["iso3"].tolist() == ["KAZ", "KGZ", "TJK", "TKM", "UZB", "AZE"]
    assert [c for c in frame.columns if c.startswith("status_")] == ["status_ca_consultative"]
    with pytest.raises(UsageError, match=r"--status on the countries layer needs exactly one --body"):
        export_frame(tiny_atlas, "countries", parse_filters(status=["member"]))


def test_meetings_until_date(tiny_atlas):
    frame = export_frame(tiny_atlas, "meetings", parse_filters(as_of="2024-01-01"))
    assert frame["number"].tolist() == [1, 5]  # a whole-number column of the spec is loaded as numbers


@pytest.mark.parametrize(
    ("layer", "filters", "message"),
    [
        ("roads", Filters(), r"layer 'roads' is not one of countries, memberships, meetings, sources, routes, nodes"),
        ("routes", Filters(status=("stalled",)), r"unknown status stalled for layer 'routes'; expected one of operational"),
        ("routes", Filters(corridor=("silk",)), r"unknown corridor silk; expected one of middle, middle_southern"),
        ("energy", Filters(mode=("rail",)), r"--mode does not apply to layer 'energy'"),
        ("sources", Filters(iso3=("KAZ",)), r"--iso3 does not apply to layer 'sources' \(its filters: none\)"),
        ("meetings", Filters(body=("ots",)), r"--body does not apply to layer 'meetings' \(its filters: --iso3, --as-of\)"),
        ("memberships", Filters(iso3=("XXX",)), r"unknown ISO3 code\(s\) XXX"),
        ("memberships", Filters(body=("5plus3",)), r"unknown body 5plus3; expected one of ca_consultative, ots"),
        ("memberships", Filters(status=("king",)), r"unknown status king for layer 'memberships'; expected one of member"),
    ],
)
def test_bad_filters_are_named(tiny_atlas, layer, filters, message):
    with pytest.raises(UsageError, match=message):
        export_frame(tiny_atlas, layer, filters)


def test_format_from_extension():
    assert format_for("a.geojson") == "geojson" and format_for("a.json") == "geojson" and format_for("x.gpkg") == "gpkg"
    with pytest.raises(UsageError, match=r"format 'xlsx' is not one of geojson, csv, gpkg"):
        format_for("a.xlsx")


def test_bad_as_of_date():
    with pytest.raises(UsageError, match=r"as-of date '2024-13-01' is not a date of the form YYYY-MM-DD"):
        parse_filters(as_of="2024-13-01")


def test_cli_writes_memberships_csv(tiny_data, tmp_path, capsys):
    out = tmp_path / "m.csv"
    code = main(["--data-dir", str(tiny_data), "export", "memberships", "--format", "csv", "-o", str(out), "--as-of", "2024-01-01"])
    assert code == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["iso3", "name", "body", "status", "since", "until", "note", "sources"]
    assert len(table) == 10
    assert "wrote 10 memberships rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export", "roads", "-o", "x.csv"], 2, "argument LAYER: invalid choice: 'roads'"),
        (["export", "memberships", "-o", "x.xlsx"], 2, "format 'xlsx' is not one of geojson, csv, gpkg"),
        (["export", "memberships", "-o", "x.csv", "--as-of", "yesterday"], 2, "as-of date 'yesterday' is not a date"),
        (["export", "sources", "-o", "x.csv", "--iso3", "KAZ"], 2, "--iso3 does not apply to layer 'sources'"),
        (["export", "memberships"], 2, "the following arguments are required: -o/--output"),
    ],
)
def test_cli_bad_arguments_one_line(tiny_data, tmp_path, monkeypatch, capsys, argv, code, message):
    monkeypatch.chdir(tmp_path)
    try:
        result = main(["--data-dir", str(tiny_data), *argv])
    except SystemExit as exc:  # argparse's own errors exit from inside main
        result = exc.code
    assert result == code
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_cli_bad_data_exits_1(tiny_data, tmp_path, capsys):
    (tiny_data / "sources.csv").write_bytes(b"\xff\xfe bad")
    assert main(["--data-dir", str(tiny_data), "export", "sources", "-o", str(tmp_path / "s.csv")]) == 1
    err = capsys.readouterr().err
    assert "the data is not valid" in err and "sources.csv: expected UTF-8 text" in err


def test_cli_unwritable_path(tiny_data, tmp_path, capsys):
    target = tmp_path / "missing-dir" / "s.csv"
    assert main(["--data-dir", str(tiny_data), "export", "sources", "-o", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_help_lists_layers_and_filters():
    result = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--help"], cwd=REPO, capture_output=True, text=True, check=True
    )
    for layer in LAYERS:
        assert layer in result.stdout
    for flag in ("--iso3", "--body", "--status", "--as-of", "--format"):
        assert flag in result.stdout


def test_cli_as_a_process_never_prints_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "geo", "--data-dir", str(tmp_path / "none"), "export", "sources", "-o", "x.csv"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "expected a folder holding" in result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_page_export_equals_command_output(tiny_data, tiny_atlas, tmp_path, fmt):
    """The pages' download buttons (export_bytes) write the same file as the command for the same filters."""
    from geo.export import command_for, export_bytes

    filters = parse_filters(body=["ots"], as_of="2024-01-01")
    page_bytes = export_bytes(export_frame(tiny_atlas, "memberships", filters), fmt, layer="memberships")
    out = tmp_path / f"cli.{fmt}"
    command = command_for("memberships", filters, fmt, str(out))
    assert command == f"python -m geo export memberships --body ots --as-of 2024-01-01 --format {fmt} -o {out}"
    assert main(["--data-dir", str(tiny_data), *command.split()[3:]]) == 0
    if fmt == "gpkg":  # GeoPackage files carry timestamps: compare the tables
        (tmp_path / "page.gpkg").write_bytes(page_bytes)
        pd.testing.assert_frame_equal(read_back(tmp_path / "page.gpkg", fmt, layer="memberships"),
                                      read_back(out, fmt, layer="memberships"))
    else:
        assert page_bytes == out.read_bytes()


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
def test_view_bundle_round_trip(tiny_atlas, tmp_path, fmt):
    """A whole-view export holds every layer given, the same rows, and the metadata."""
    import datetime as dt
    import json as _json
    import zipfile

    from geo.export import view_bundle, view_metadata
    from geo.joins import countries_with_status

    layers = {
        "countries": countries_with_status(tiny_atlas, "ca_consultative", "2024-01-01"),
        "routes": export_frame(tiny_atlas, "routes", Filters(mode=("ferry",))),
        "meetings": export_frame(tiny_atlas, "meetings", Filters(as_of=dt.date(2024, 1, 1))),
    }
    meta = view_metadata(tiny_atlas, page="overview", query="date=2024-01-01", layers=layers,
                         generated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert meta["view"] == "?date=2024-01-01" and meta["rows"] == {"countries": 9, "routes": 1, "meetings": 2}
    assert [s["id"] for s in meta["sources"]] == ["s-one"]  # only the rows in force on that date
    data = view_bundle(layers, fmt, meta)
    if fmt == "gpkg":
        path = tmp_path / "view.gpkg"
        path.write_bytes(data)
        names = [name for name, _ in pyogrio.list_layers(path)]
        assert sorted(names) == ["countries", "meetings", "metadata", "routes"]
        assert read_back(path, "gpkg", layer="routes")["id"].tolist() == ["aktau-baku"]
        assert sorted(read_back(path, "gpkg", layer="countries")["iso3"]) == sorted(layers["countries"]["iso3"])
        stored = dict(read_back(path, "gpkg", layer="metadata")[["key", "value"]].values)
        assert stored["data_version"] == tiny_atlas.version and stored["generated_at"] == "2026-01-01T00:00:00+00:00"
        assert "tip" not in read_back(path, "gpkg", layer="countries").columns
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert sorted(archive.namelist()) == sorted([f"countries.{fmt}", f"meetings.{fmt}", f"routes.{fmt}", "metadata.json"])
            assert _json.loads(archive.read("metadata.json"))["rows"]["routes"] == 1
            archive.extractall(tmp_path)
        assert read_back(tmp_path / f"routes.{fmt}", fmt, layer="routes")["id"].tolist() == ["aktau-baku"]
        assert len(read_back(tmp_path / f"countries.{fmt}", fmt, layer="countries")) == 9


def test_view_bundle_unknown_format(tiny_atlas):
    from geo.export import view_bundle

    with pytest.raises(UsageError, match=r"format 'xlsx' is not one of geojson, csv, gpkg"):
        view_bundle({}, "xlsx", {})
