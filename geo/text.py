"""Text that leaves the atlas for a reader: escaped for HTML and Markdown.

`escape_text` is the one escape for everything that reaches a map (HTML, JavaScript template literals and
branca's Jinja templates); `md_escape` is the one escape for data text in page Markdown.
"""

from __future__ import annotations

import html

import pandas as pd


def escape_text(value: object) -> str:
    """Return `value` as text safe inside HTML, inside a JavaScript template literal and inside a Jinja template.

    ``html.escape`` covers ``<>&"'``; the backtick, ``$`` and backslash are escaped too because folium puts
    tooltip text into JavaScript template literals, where ``${...}`` would run; braces are escaped because
    branca compiles every rendered script as a Jinja template, where ``{{ ... }}`` would run on the server.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = html.escape(str(value), quote=True)
    return (text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
            .replace("{", "&#123;").replace("}", "&#125;"))


def md_escape(text: object) -> str:
    """Escape Markdown and HTML in data text before it goes into a page's Markdown."""
    out = str(text)
    for ch in "\\`*_{}[]()<>#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out


def number(value: object, unit: str = "", *, digits: int = 2, missing: str = "not recorded") -> str:
    """A number as a reader writes it: thousands separators, no exponent, no trailing zeros, and its unit
    ("1,200,000 bbl/d", "23.4 bcm/yr", "0.03 %"); `missing` for an empty value."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return missing
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x != x:
        return missing
    text = f"{x:,.0f}" if x.is_integer() or abs(x) >= 1000 else f"{x:,.{digits}f}".rstrip("0").rstrip(".")
    if text in ("0", "-0") and x != 0:  # too small for `digits`: keep its first significant figure
        text = f"{x:.1g}"
    return f"{text} {unit}".strip()


PLAIN_NUMBERS = ("year", "leg", "step", "number")
"""Columns whose numbers are names (a year, a leg's rank): written without thousands separators."""


def for_readers(frame, headers: dict[str, str], labels: dict | None = None, *, digits: int = 1):
    """Return the columns of `frame` named in `headers`, renamed to those words, ready for a reader: codes shown by
    their labels (`labels`: column → vocabulary), numbers with thousands separators and no exponent (years as
    they are), and missing values as "not recorded". Text only: nothing here is markup."""
    import pandas as pd

    labels = labels or {}
    out = pd.DataFrame(index=frame.index)
    for column, header in headers.items():
        values = frame[column]
        if column in labels:
            out[header] = [labels[column].label(v) for v in values]
        elif column in PLAIN_NUMBERS and pd.api.types.is_numeric_dtype(values):
            out[header] = ["not recorded" if pd.isna(v) else f"{int(v)}" for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[header] = [number(v, digits=digits) for v in values]
        else:
            out[header] = ["not recorded" if v is None or (isinstance(v, float) and v != v) else v for v in values]
    return out.reset_index(drop=True)
