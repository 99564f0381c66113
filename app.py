"""C6 Atlas: the frame and the router. Pages live in pages/ and are registered here."""

import streamlit as st

st.set_page_config(page_title="C6 Atlas", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("pages/membership.py", title="Membership", url_path="membership"),
    st.Page("pages/transport.py", title="Transport", url_path="transport"),
    st.Page("pages/energy.py", title="Energy", url_path="energy"),
]
st.navigation(pages).run()
