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

    from geo.serve import BaseURLScript, LocalOrigins, data_routes, preload

    # What every page's first run would import (about 2 s, mostly folium compiling its templates), imported
    # while the server starts, so the first reader does not wait for it. Not in a background thread: on 2 cores
    # it competed with the first run and made it slower. Not streamlit-folium: it registers its component when
    # imported, which only works once Streamlit's runtime exists (imported earlier, the map never draws).
    # Not geo.image: matplotlib is loaded when a reader first asks for an image, not at start.
    preload(["folium", "folium.plugins", "geo.maps", "geo.cards", "offlinefolium.elements",
             *(p.scene for p in PAGES.values())], background=False)

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
