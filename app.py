"""C6 Atlas: the frame and the router. The pages and their files come from the page registry (`geo.views.PAGES`).

``streamlit run app.py`` finds the ``st.App`` below and serves it: Streamlit plus the data addresses of every view
(``/transport.gpkg?mode=ferry``; `geo.serve`). Streamlit then runs this same file as each session's script, as
``__main__``, where it routes to the page.
"""

import streamlit as st

from geo.views import PAGES

if __name__ == "__main__":  # a session's script run: route to the page
    st.set_page_config(page_title="C6 Atlas", layout="wide")
    st.navigation([st.Page(p.file, title=p.title, url_path=p.name, default=p.default) for p in PAGES.values()]).run()
else:  # imported by the server that `streamlit run` starts: the app, its data addresses and guards
    from starlette.middleware import Middleware

    from geo.serve import BaseURLScript, LocalOrigins, data_routes

    app = st.App(
        "app.py",
        routes=data_routes(),
        middleware=[
            Middleware(LocalOrigins, server_address=st.get_option("browser.serverAddress"),
                       allowed_origins=st.get_option("server.corsAllowedOrigins"),
                       enabled=bool(st.get_option("server.enableCORS"))),
            Middleware(BaseURLScript, base_path=st.get_option("server.baseUrlPath")),
        ],
    )
