"""C6 Atlas: data loading, validation, joins, map building and export, as plain Python (no Streamlit).

Modules: `load` (files → validated `Atlas`), `memberships` (status as of a date, the meetings story), `joins`
(boundaries × attributes), `maps` (Folium builders), `assets` (offline Leaflet), `export` (files), `cli`.
"""

__version__ = "0.1.0"
