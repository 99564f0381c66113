"""The page edge: Streamlit caching around `geo`, the map component, and shared page furniture.

Pages import from here; `geo` stays free of Streamlit. Shared data is cached once per process
(`st.cache_resource`, keyed on the data files' sizes and modification times) and never mutated by a page.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.assets import ensure_static_assets
from geo.basemaps import ATTRIBUTION_TEXT, DISCLAIMER
from geo.errors import DataError
from geo.formats import FORMATS, IMAGE_FORMATS, LAYER_FORMATS, VIEW_FORMATS
from geo.load import Atlas, data_signature, load_atlas
from geo.maps import scene_base, scene_layer, standalone_html
from geo.scenes import describe
from geo.text import md_escape, number
from pages import _view as view
from pages._view import controls, presentation_bar, presenting

APP_ROOT = Path(__file__).resolve().parent.parent
MAP_HEIGHT = 620


def _ensure_router() -> None:
    """Make sure app.py's router runs, even for the first request after the server starts.

    While a ``pages/`` folder exists, Streamlit runs the first script of a fresh server with its legacy
    multipage router, which maps a deep link such as ``/overview`` straight to ``pages/overview.py`` and skips
    app.py (no page config, a navigation built from file names). app.py's ``st.navigation`` switches that off,
    but only once it has run. A page run by the legacy router switches it off itself and reruns: the rerun goes
    through app.py to the same page (file stems equal URL paths, so both routers give it the same id).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


_ensure_router()


@st.cache_resource(show_spinner=False)
def _static_assets_ready() -> bool:
    ensure_static_assets(APP_ROOT / "static")
    return True


@st.cache_resource(show_spinner="Loading the atlas data…", max_entries=4)
def _load(signature: tuple) -> Atlas:
    return load_atlas(signature[0])


def atlas() -> Atlas:
    """Return the validated atlas, or show every data problem on the page and stop the script."""
    try:
        return _load(data_signature())
    except DataError as exc:
        st.error("The atlas data could not be loaded. Fix these problems in the data files and reload:")
        st.code(str(exc), language=None, wrap_lines=True)
        st.stop()
        raise  # not reached: st.stop() ends the run


def source_links(a: Atlas, ids: str | list[str]) -> str:
    """Return a Markdown list of the sources `ids` (semicolon-separated or a list), escaped, with links."""
    wanted = ids.split(";") if isinstance(ids, str) else ids
    table = a.sources.set_index("id")
    lines = []
    for sid in dict.fromkeys(i for i in wanted if i):
        if sid not in table.index:
            continue
        row = table.loc[sid]
        title = md_escape(row["title"])
        publisher = f" — {md_escape(row['publisher'])}" if row["publisher"] else ""
        date = f" ({md_escape(row['published'])})" if row["published"] else ""
        url = row["url"]
        link = f"[{title}](<{url}>)" if url and ">" not in url else title
        lines.append(f"- {link}{publisher}{date}")
    return "\n".join(lines) or "_No sources._"


def sources_panel(a: Atlas, ids: str | list[str]) -> None:
    """The sources behind what is on screen (only those), with links, and the data's as-of date: the newest
    publication date among them. Shown on every page, presentation mode included."""
    wanted = tuple(dict.fromkeys(i for i in (ids.split(";") if isinstance(ids, str) else ids) if i))

    def build() -> tuple[str, str]:
        used = a.sources[a.sources["id"].isin(set(wanted))]
        dates = sorted(d for d in used["published"] if d)
        as_of = f"newest source {dates[-1]}" if dates else "no dated source"
        return f"Sources for this view ({len(used)}; {as_of}; data version {a.version})", source_links(a, list(wanted))

    label, links = a.memo(("sources_panel", wanted), build)  # the same view lists the same sources: built once
    with st.expander(label):
        st.markdown(links)


def map_section(a: Atlas, scene, *, pick=None, over_map=None):
    """The map column of a page beside a details column: the scene's base map with its layer added in place, the
    map downloads (HTML, PNG, SVG), the link to this view and its data, and the boundary notice under it. Returns
    (what the map reported, the details column).

    In presentation mode it is the presenter's screen instead: the bar (story step or story menu, the scene's
    one-line summary, Exit), the map as tall as the screen allows, and one line of boundary credit; the details
    column still runs but is hidden. `pick(lat, lon)` says what a click on the map selects; `over_map()`, if
    given, draws what lies over the top of the map (play)."""
    large = presenting()
    if large:
        presentation_bar(scene.page, a, summary=scene.summary)
        if over_map:
            over_map()
        returned = _map_and_view(a, scene, pick, large=True)
        with st.container(key="atlas-present-foot"):
            st.caption(f"{ATTRIBUTION_TEXT} Boundaries imply no opinion on the legal status of any territory. "
                       f"Data version {a.version}.")
        _map_first(scene.page)
        return returned, controls("details")
    left, right = st.columns([5, 2], gap="medium")
    with left:
        if over_map:
            over_map()
        returned = _map_and_view(a, scene, pick, large=False)
        boundary_notice(a)
        with st.expander("The map in words"):
            st.markdown("\n".join(f"- {md_escape(line)}" for line in describe(scene)))
    _map_first(scene.page)
    return returned, right


MAP_FIRST_WAIT_S = 5.0
"""How long a page's first run waits for the map to report before it shows the rest of the page anyway."""


def _map_first(page: str) -> None:
    """On the page's first run in a session, stop here: the browser then draws the map before the page's other
    elements (the sidebar's widgets, the details, the tables), which it would otherwise render first. The map
    reports its view once drawn, and `_map_and_view` then reruns the page whole; should no report come (the map's
    script failed), the page is shown whole after `MAP_FIRST_WAIT_S` all the same."""
    if st.session_state.get(view.map_first_key(page)) is None:
        return
    _rest_of_the_page_soon(page)
    st.stop()


@st.fragment(run_every=MAP_FIRST_WAIT_S / 2)
def _rest_of_the_page_soon(page: str) -> None:
    began = st.session_state.get(view.map_first_key(page))
    if began is not None and time.monotonic() - began >= MAP_FIRST_WAIT_S:
        _whole_page(page)


def _whole_page(page: str) -> None:
    """End the page's map-only first run: rerun the page, whole from now on."""
    st.session_state[view.map_first_key(page)] = None
    st.rerun(scope="app")


@st.fragment
def _map_and_view(a: Atlas, scene, pick, *, large: bool) -> dict:
    """The map and everything that follows its view: the address bar, the image downloads, the link box and
    "This view, all layers". A pan or zoom reruns only this fragment (the rest of the page is unchanged by it); a
    click that selects something new reruns the whole page, whose card, highlight and tables follow the selection."""
    page = scene.page
    returned = show_map(lambda: scene_base(a, scene, large_text=large), lambda: scene_layer(scene), page=page)
    before = st.session_state.get(f"_sel_{page}")
    if pick is not None and view.selection(page, pick, returned) != before:
        st.rerun(scope="app")
    if returned.get("center") and st.session_state.get(view.map_first_key(page)) is not None:
        _whole_page(page)  # the map is drawn and has reported its view
    query = view.finish(page)
    if not large:
        image_downloads(a, scene)
        view.link_box(page, query)
        view_downloads(a, page=page, query=query, layers=scene.layers)
    return returned


def image_downloads(a: Atlas, scene) -> None:
    """PNG (1920×1080) and SVG of the scene for slides: title, legend, scale bar, attribution and source line,
    drawn with matplotlib (no browser). Built only when clicked: matplotlib is imported then, not before."""
    import dataclasses

    shown = view.current_view(scene.page)
    if shown:  # the map as the reader has panned and zoomed it
        scene = dataclasses.replace(scene, values={**scene.values, "lat": shown[0], "lon": shown[1], "z": shown[2]})
    cols = st.columns(len(IMAGE_FORMATS))
    for col, fmt in zip(cols, IMAGE_FORMATS):
        col.download_button(
            FORMATS[fmt].label,
            data=lambda fmt=fmt: _render_image(a, scene, fmt),
            file_name=f"c6-atlas-{scene.page}.{FORMATS[fmt].extension}",
            mime=FORMATS[fmt].mime,
            key=f"{scene.page}_image_{fmt}",
            on_click="ignore",
            help="The view as a 1920×1080 image with title, legend, scale, attribution and sources"
            if fmt == "png" else "The view as an SVG drawing (editable in slide software)",
        )


def _render_image(a: Atlas, scene, fmt: str) -> bytes:
    from geo.image import render_image  # matplotlib: only when a reader asks for an image

    return render_image(a, scene, fmt)


def show_map(make_base, make_layer, *, page: str, height: int = MAP_HEIGHT) -> dict:
    """Draw the map `make_base()` with the layer `make_layer()` added in place (so filter changes do not reload
    the map), opened at the view a link asked for; return what the map reports (last click, centre, zoom) and
    keep the view for the URL. The builders are called again, only when asked, for the HTML download: the
    objects given to streamlit-folium are renamed by it and cannot be rendered again."""
    _static_assets_ready()
    center, zoom = view.initial_view(page)
    value = st_folium(
        make_base(),
        key=f"{page}_map",
        height=760 if presenting() else height,
        use_container_width=True,
        feature_group_to_add=make_layer(),
        center=center,
        zoom=zoom,
        returned_objects=["last_object_clicked", "center", "zoom"],
        render=False,  # streamlit-folium renders the map itself once more below; rendering the figure too is waste
    )
    value = value or {}
    view.remember_view(page, value)
    controls(f"{page}-html").download_button(
        FORMATS["html"].label,
        data=lambda: standalone_html(make_base(), make_layer(), title=f"C6 Atlas · {page}"),
        file_name=f"c6-atlas-{page}-map.{FORMATS['html'].extension}",
        mime=FORMATS["html"].mime,
        key=f"{page}_map_html",
        on_click="ignore",
        help="One file with the map as shown (layers, legend, tooltips); opens in a browser without internet",
    )
    return value


def indicator_held(page: str):
    """Return the uploaded indicator to colour the map by, or None: read from the session before the map is drawn
    (`indicator_upload` draws its box after the map)."""
    held = st.session_state.get("_my_indicator")
    return held if held is not None and st.session_state.get(f"{page}_use_upload", True) else None


def indicator_upload(a: Atlas, page: str) -> None:
    """The sidebar's "your indicator" box: upload a CSV (country, value, optional year), see what was wrong with
    it, and choose to colour the map by it (`indicator_held`). A new upload that can be used reruns the page, so
    the map drawn above shows it.

    The parsed upload is kept in this session only (shared by the Overview and Membership pages), never on disk.
    """
    from geo.upload import MAX_BYTES, read_indicator

    held = st.session_state.get("_my_indicator")
    with st.expander("Your indicator (CSV)", expanded=held is not None):
        upload = st.file_uploader(
            "Country and value, optional year", type=["csv", "txt"], key=f"{page}_upload",
            help=f"Columns: iso3 or country, value, optional year and unit. UTF-8, at most {MAX_BYTES // 1000:,} KB. "
            "Kept for this session only.",
        )
        if upload is not None and upload.file_id != st.session_state.get("_my_indicator_file"):
            st.session_state["_my_indicator_file"] = upload.file_id
            try:  # Streamlit already holds the bytes (at most server.maxUploadSize); read_indicator checks the size first
                frame, problems = read_indicator(upload.getvalue(), a, file=upload.name)
                st.session_state["_my_indicator"] = held = frame
                st.session_state["_my_indicator_problems"] = [str(p) for p in problems]
                st.session_state.pop("_my_indicator_error", None)
                st.rerun()
            except DataError as exc:
                st.session_state["_my_indicator_error"] = str(exc)
        if st.session_state.get("_my_indicator_error"):
            st.error("The upload was not used:")
            st.code(st.session_state["_my_indicator_error"], language=None, wrap_lines=True)
        if held is None:
            return
        problems = st.session_state.get("_my_indicator_problems", [])
        st.caption(f"{md_escape(held.attrs.get('name'))}: {len(held)} countries joined.")
        if problems:
            st.warning(f"{len(problems)} row{'s' if len(problems) != 1 else ''} left out:")
            st.code("\n".join(problems[:30]) + (f"\n… and {len(problems) - 30} more" if len(problems) > 30 else ""),
                    language=None, wrap_lines=True)
        st.toggle("Colour the map by your indicator", key=f"{page}_use_upload", value=True)
        if st.button("Remove the upload", key=f"{page}_remove_upload"):
            for key in ("_my_indicator", "_my_indicator_problems", "_my_indicator_error"):
                st.session_state.pop(key, None)
            st.rerun()


def indicator_value(indicator, iso3: str) -> None:
    """One line with the uploaded indicator's value for a clicked country ("no data" when it has none)."""
    if indicator is None:
        return
    rows = indicator[indicator["iso3"] == iso3]
    value = rows["value"].iloc[0] if len(rows) else float("nan")
    shown = number(value, str(indicator.attrs.get("unit", "")), digits=4, missing="no data")
    year = rows["year"].iloc[0] if len(rows) else float("nan")
    shown += f" ({int(year)})" if year == year else ""
    st.markdown(f"**{md_escape(indicator.attrs.get('name', 'Your indicator'))}** (your upload): {md_escape(shown)}")


def boundary_notice(a: Atlas) -> None:
    """Attribution, the neutral boundary disclaimer and the data version, under every map."""
    st.caption(f"{ATTRIBUTION_TEXT} {DISCLAIMER} Data version {a.version}.")


def download_buttons(build, *, layer: str, filters, key: str, label: str) -> None:
    """Offer `build()` (the filtered frame) as GeoJSON, CSV and GeoPackage, computed only when clicked, and show
    the command line that writes the same file."""
    from geo.export import command_for, export_bytes

    cols = st.columns(len(LAYER_FORMATS) + 1)
    cols[0].markdown(f"**{label}**")
    for col, fmt in zip(cols[1:], LAYER_FORMATS):
        col.download_button(
            FORMATS[fmt].short,
            data=lambda fmt=fmt: export_bytes(build(), fmt, layer=layer),
            file_name=f"{layer}.{FORMATS[fmt].extension}",
            mime=FORMATS[fmt].mime,
            key=f"{key}_{fmt}",
            on_click="ignore",
        )
    # wrapped, not a scroll box: a scrollable region must be reachable by keyboard (axe), and Streamlit's is not
    st.code(command_for(layer, filters, "csv"), language="bash", wrap_lines=True)


def styled_statuses(frame, status_columns: list[str], labels: dict[str, str]):
    """Return a pandas Styler of `frame` with each status cell shown by its label on its map colour."""
    from geo.styles import status_label, status_style

    shown = frame.copy()
    for column in status_columns:
        shown[column] = [status_label(s) for s in frame[column]]

    def colours(_):
        css = frame.copy().astype(object)
        for column in frame.columns:
            if column in status_columns:
                css[column] = [
                    f"background-color: {status_style(s).fill}; color: {'#ffffff' if s in ('member', 'suspended') else '#111111'}"
                    for s in frame[column]
                ]
            else:
                css[column] = ""
        return css

    return shown.rename(columns=labels).style.apply(lambda _: colours(_).rename(columns=labels).values, axis=None)


def view_downloads(a: Atlas, *, page: str, query: str, layers: dict) -> None:
    """Offer exactly the view on screen (every visible layer, with a metadata table or sidecar) as a
    GeoPackage, or as ZIPs of GeoJSON or CSV files. Built only when clicked."""
    from geo.export import view_bundle, view_metadata

    cols = st.columns(len(VIEW_FORMATS) + 1)
    cols[0].markdown("**This view, all layers**")
    for col, fmt in zip(cols[1:], VIEW_FORMATS):
        f = FORMATS[fmt]
        col.download_button(
            f.view_label,
            data=lambda fmt=fmt: view_bundle(layers, fmt, view_metadata(a, page=page, query=query, layers=layers)),
            file_name=f"c6-atlas-{page}-view-{fmt}.{f.view_extension}" if f.bundle_extension
            else f"c6-atlas-{page}-view.{f.view_extension}",
            mime=f.view_mime,
            key=f"{page}_view_{fmt}",
            on_click="ignore",
        )

