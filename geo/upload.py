"""Bring your own indicator: read an analyst's CSV (country, value, optional year) and join it to the countries.

The file is read from bytes in memory and never written anywhere. Whole-file problems (too big, binary, not
UTF-8, no country or value column, too many rows) reject the upload with a `DataError`; row problems (unknown
country, non-numeric value, bad year, repeated country and year) leave those rows out and are returned as
`Problem`s naming the row, so the reader can fix them. An empty value stays empty and shows as "no data".
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.errors import DataError, Problem
from geo.load import Atlas
from geo.text import number as format_number

MAX_BYTES = 1_000_000
"""Largest upload read (1 MB: some hundred thousand rows of country, value and year is far beyond need)."""
MAX_ROWS = 5_000
MAX_COLUMNS = 50
COUNTRY_COLUMNS = ("iso3", "country", "name", "country_name", "country_code")
VALUE_COLUMNS = ("value",)
EXTRA_NAMES = {"turkey": "TUR", "korearep": "KOR"}
"""Spellings common in statistical tables that the ISO 3166 names of pycountry lack (ISO's short name for TUR
until 2022; the World Bank's name for KOR), normalised by `_key`."""


def _iso_names() -> dict[str, str]:
    """ISO 3166 names → ISO3 from pycountry: short, official and common names, and the part of an inverted
    name before its comma ("Iran, Islamic Republic of" → "Iran") where only one country has it."""
    import pycountry  # imported on the first upload only

    names: dict[str, str] = {}
    heads: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[_key(value)] = country.alpha_3
                if "," in value:
                    heads.setdefault(_key(value.split(",")[0]), set()).add(country.alpha_3)
    for head, codes in heads.items():
        if len(codes) == 1:
            names.setdefault(head, next(iter(codes)))
    return names


def _key(text: str) -> str:
    """A country name reduced for matching: accents, case, punctuation, spaces and a leading "the" removed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    plain = re.sub(r"^the\s+", "", plain.strip())
    return re.sub(r"[^a-z0-9]", "", plain)


def _decode(data: bytes, file: str) -> str:
    if len(data) > MAX_BYTES:
        raise DataError([Problem(file, None, None, f"{len(data):,} bytes", f"a file of at most {MAX_BYTES:,} bytes")])
    if not data.strip():
        raise DataError([Problem(file, None, None, "an empty file", "a CSV with a header row and data rows")])
    if b"\x00" in data[:4096] or data[:4] in (b"PK\x03\x04", b"%PDF") or data[:8] == b"\x89PNG\r\n\x1a\n":
        raise DataError([Problem(file, None, None, "binary content (a spreadsheet, archive or image?)",
                                 "CSV text: save the sheet as 'CSV UTF-8'")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([Problem(file, None, None, f"byte 0x{data[exc.start]:02x} on line {line}, not UTF-8",
                                 "UTF-8 text: save the sheet as 'CSV UTF-8'")]) from None


def read_indicator(data: bytes, atlas: Atlas, *, file: str = "upload.csv") -> tuple[pd.DataFrame, list[Problem]]:
    """Read an indicator CSV; return (rows joined to countries, problems with rows that were left out).

    Parameters
    ----------
    data : bytes
        The file as uploaded. Columns (header names, any case): ``iso3`` or ``country``/``name`` (an ISO3 code
        or a country name from countries.csv, common variants accepted), ``value`` (a number; empty: no data),
        optional ``year`` (integer 1900–2100; the latest year per country is kept) and optional ``unit``.
        Separators: comma, semicolon or tab.
    atlas : Atlas
        For the countries that can be joined.
    file : str
        The file's name, used in messages.

    Returns
    -------
    (pandas.DataFrame, list of Problem)
        Columns iso3, name, value (float, NaN = no data), year (float, NaN = none given), row (1-based data row).
        The frame's ``attrs`` hold ``name`` (the file name without extension) and ``unit``.

    Raises
    ------
    DataError
        For a problem with the whole file, or when no row could be used.
    """
    text = _decode(data, file)
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    header = [h.strip().casefold() for h in rows[0]] if rows else []
    problems: list[Problem] = []
    if len(header) > MAX_COLUMNS:
        raise DataError([Problem(file, None, None, f"{len(header)} columns", f"at most {MAX_COLUMNS} columns")])
    if len(rows) - 1 > MAX_ROWS:
        raise DataError([Problem(file, None, None, f"{len(rows) - 1:,} data rows", f"at most {MAX_ROWS:,} rows")])
    country_col = next((c for c in COUNTRY_COLUMNS if c in header), None)
    value_col = next((c for c in VALUE_COLUMNS if c in header), None)
    missing = [label for label, col in (("a country column (iso3 or country)", country_col), ("a value column", value_col))
               if col is None]
    if missing:
        found = ", ".join(h for h in header if h) or "no header"
        raise DataError([Problem(file, None, None, f"columns {found}", f"{' and '.join(missing)} in the header row")])
    at = {name: header.index(name) for name in (country_col, value_col, "year", "unit") if name in header}
    by_code = {c.upper(): c for c in atlas.countries["iso3"]}
    by_name = {k: v for k, v in {**_iso_names(), **EXTRA_NAMES}.items() if v in by_code}
    by_name.update({_key(n): c for c, n in zip(atlas.countries["iso3"], atlas.countries["name"])})
    names = atlas.country_names()
    out = []
    for number, row in enumerate(rows[1:], start=1):
        if len(row) > len(header):
            problems.append(Problem(file, number, None, f"{len(row)} values",
                                    f"at most {len(header)} values, as in the header (a comma in a number? quote it or "
                                    "use a dot for decimals)"))
            continue
        cells = {col: row[i].strip() if i < len(row) else "" for col, i in at.items()}
        raw_country, raw_value, raw_year = (cells.get(c, "") for c in (country_col, value_col, "year"))
        iso3 = by_code.get(raw_country.upper()) or by_name.get(_key(raw_country)) if raw_country else None
        if not iso3:
            guess = difflib.get_close_matches(_key(raw_country), list(by_name), n=1, cutoff=0.75)
            hint = f" (did you mean {names[by_name[guess[0]]]}?)" if guess else ""
            problems.append(Problem(file, number, country_col, raw_country,
                                    f"an ISO3 code or a country name from countries.csv{hint}"))
            continue
        value = math.nan
        if raw_value:
            try:
                value = float(raw_value.replace(" ", "").replace("\u00a0", ""))
            except ValueError:
                decimal_comma = re.fullmatch(r"-?\d+,\d+", raw_value) is not None
                problems.append(Problem(file, number, value_col, raw_value,
                                        "a number with a dot as decimal separator" if decimal_comma else "a number"))
                continue
            if not math.isfinite(value):
                problems.append(Problem(file, number, value_col, raw_value, "a finite number"))
                continue
        year = math.nan
        if raw_year:
            if not re.fullmatch(r"\d{4}", raw_year) or not 1900 <= int(raw_year) <= 2100:
                problems.append(Problem(file, number, "year", raw_year, "a year from 1900 to 2100, or empty"))
                continue
            year = float(raw_year)
        out.append({"iso3": iso3, "name": names[iso3], "value": value, "year": year, "row": number,
                    "unit": cells.get("unit", "")})
    frame = pd.DataFrame(out, columns=["iso3", "name", "value", "year", "row", "unit"])
    repeated = frame[frame.duplicated(["iso3", "year"], keep=False)]
    for (iso3, year), group in repeated.groupby(["iso3", "year"], dropna=False):
        for number in group["row"].iloc[1:]:
            problems.append(Problem(file, int(number), country_col, iso3,
                                    f"one row per country{' and year' if year == year else ''} (first given on row "
                                    f"{int(group['row'].iloc[0])})"))
    frame = frame.drop_duplicates(["iso3", "year"], keep="first")
    frame = frame.sort_values(["iso3", "year"], na_position="first").drop_duplicates("iso3", keep="last")
    if frame.empty:
        problems = problems or [Problem(file, None, None, "no data rows", "at least one row with a country")]
        raise DataError(problems[:50])
    units = [u for u in frame["unit"] if u]
    frame = frame.drop(columns="unit").sort_values("row").reset_index(drop=True)
    frame.attrs["name"] = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file).strip() or "My indicator"
    frame.attrs["unit"] = units[0] if units else ""
    return frame, problems


def indicator_shapes(atlas: Atlas, indicator: pd.DataFrame, iso3: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the boundaries of `iso3` plus every uploaded country with a boundary, joined with the upload.

    Columns: iso3, name, value (NaN = no data), year, geometry (EPSG:4326).
    """
    codes = list(dict.fromkeys([*iso3, *indicator["iso3"]]))
    shapes = atlas.boundaries[atlas.boundaries["iso3"].isin(codes)][["iso3", "geometry"]]
    names = atlas.country_names()
    table = pd.DataFrame({"iso3": codes}).merge(indicator[["iso3", "value", "year"]], on="iso3", how="left")
    merged = shapes.merge(table, on="iso3", how="left")
    merged.insert(1, "name", [names.get(c, c) for c in merged["iso3"]])
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")


def indicator_tip(unit: str):
    """Return the tooltip of an uploaded indicator's country: name, then its value and year, or "no data"."""

    def tip(row) -> tuple[str, list[str]]:
        if pd.isna(row["value"]):
            return str(row["name"]), ["no data"]
        year = f" ({int(row['year'])})" if pd.notna(row["year"]) else ""
        return str(row["name"]), [format_number(row["value"], unit, digits=4) + year]

    return tip
