"""C6 Atlas: the frame and the router. The pages and their files come from the page registry (`geo.views.PAGES`)."""

import streamlit as st

from geo.views import PAGES

st.set_page_config(page_title="C6 Atlas", layout="wide")
st.navigation([st.Page(p.file, title=p.title, url_path=p.name, default=p.default) for p in PAGES.values()]).run()
