"""C6 Atlas: the frame and the router. Pages live in pages/ and are registered here."""

import streamlit as st

st.set_page_config(page_title="C6 Atlas", page_icon="🗺️", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon="🧭", url_path="overview", default=True),
]
st.navigation(pages).run()
