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
