"""Cooperation: shared water, land borders and the steps to peace, visas and flights among the "5+3" countries."""

import streamlit as st

from geo import cooperation as coop
from geo import vocab
from geo.cards import card_for
from geo.export import Filters, export_frame
from geo.scenes import build_scene
from geo.text import md_escape
from geo.views import five_plus_three
from pages._ui import atlas, download_buttons, map_section, sources_panel
from pages._view import begin, presentation_switch, presenting, selection, story_picker, widget_values
from pages._widgets import basemap_select, find_box, metrics, page_intro, show_card

QUESTIONS = {
    "water": "Who manages the Aral Sea basin, and who sits on the bodies that share water?",
    "borders": "Whose borders with the other focus countries are fully delimited?",
    "people": "Where can a citizen travel visa-free among the eight?",
}

a = atlas()
begin("cooperation", a)
names = a.country_names()

page_intro("Cooperation: water, borders and people",
           "Shared rivers and lakes and the bodies that manage them; land borders by the state of their delimitation "
           'and the steps to peace; visas and direct flights among the eight countries of the proposed "5+3". '
           "Empty cells in the data read \"not recorded\".")
view_name = st.session_state["cooperation_view"]  # the sidebar comes after the map; its values are in the session


def pick(lat: float, lon: float) -> str | None:  # what a click means in the view shown
    return coop.pick(a, view_name, lat, lon)


sel = selection("cooperation", pick)
scene = build_scene(a, "cooperation", {**widget_values("cooperation"), "sel": sel})
facts, layers = scene.facts, scene.layers
country = scene.values["country"]
if view_name == "water":
    metrics({"Transboundary rivers and lakes": int((layers["rivers_lakes"]["kind"] != "historic_lake").sum()),
             "Water works": len(layers["water_features"]), "Bodies that share water": len(layers["water_bodies"])})
elif view_name == "borders":
    metrics({"Land borders": len(layers["borders"]),
             "Delimited (treaty in force)": int((layers["borders"]["state"] == coop.DELIMITED).sum()),
             "Km as drawn": f"{layers['borders']['length_km'].sum():,.0f}"})
else:
    free = int((layers["visas"]["regime"] == "visa_free").sum())
    metrics({"Visa-free destinations": f"{free} of {len(five_plus_three(a)) - 1}",
             "Direct flights": len(layers["air_links"]), "Exchanges": len(layers["events"])})

_, right = map_section(a, scene, pick=pick)
with st.sidebar:
    st.radio("View", list(vocab.COOPERATION_VIEW), format_func=vocab.COOPERATION_VIEW.get, key="cooperation_view")
    if view_name == "people":
        st.selectbox("Citizen of", five_plus_three(a), format_func=lambda c: names.get(c, c), key="cooperation_country")
    find_box(a, "cooperation")
    basemap_select("cooperation")
    presentation_switch()
    story_picker(a)
with right:
    st.subheader(QUESTIONS[view_name])
    st.markdown(md_escape(facts.answer))
    if facts.unplaced:
        st.caption(md_escape("Not on the map (no published place): " + "; ".join(facts.unplaced)))
    card = card_for(a, view_name, country, sel)
    if presenting():
        pass
    elif card is not None:
        show_card(a, card)
    else:
        st.caption({"water": "Click a river, a lake or a water work for its facts and sources.",
                    "borders": "Click a border for its state, treaty dates and sources.",
                    "people": "Click one of the eight for what a citizen needs to enter it."}[view_name])

sources_panel(a, scene.sources)
if presenting():
    st.stop()

for title, table in coop.reader_tables(a, view_name, facts.table, facts.events).items():
    st.subheader(md_escape(title))
    st.dataframe(table, hide_index=True, width="stretch")
if view_name == "water":
    with st.expander("What the bodies are"):
        for row in facts.table.to_dict("records"):
            st.markdown(f"- **{md_escape(row['body'])}** ({md_escape(row['name'])}): {md_escape(row['note'])}")
layer, filters = {"water": ("water_features", Filters()), "borders": ("borders", Filters()),
                  "people": ("visas", Filters(iso3=(country,)))}[view_name]
download_buttons(lambda: export_frame(a, layer, filters), layer=layer, filters=filters, key=f"cooperation_{layer}_export",
                 label={"water_features": "Water works", "borders": "Land borders", "visas": "Entry regimes"}[layer])
