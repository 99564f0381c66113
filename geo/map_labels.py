"""Place names on the interactive maps: Leaflet labels that never take clicks or keyboard focus and give way by
priority where two would overlap (`geo.places` says which names go where). Text is escaped with
`geo.text.escape_text`; scripts are finished text, as in `geo.leaflet`."""

from __future__ import annotations

import json

from geo.leaflet import FinishedScript
from geo.text import escape_text


def labels_json(labels) -> str:
    """Map labels (`geo.places.MapLabel`) as a JSON array [lat, lon, escaped text, kind, priority, min zoom]."""
    rows = [[round(lb.lat, 3), round(lb.lon, 3), escape_text(lb.text), lb.kind, round(lb.priority, 3), lb.min_zoom]
            for lb in labels]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


_LABELS_JS = """
(function (map, rows) {
  var pane = map.getPane('atlasLabels') || map.createPane('atlasLabels');
  pane.style.zIndex = 625; pane.style.pointerEvents = 'none';
  rows.forEach(function (r) {
    L.marker([r[0], r[1]], {pane: 'atlasLabels', interactive: false, keyboard: false, icon: L.divIcon({
      className: 'atlas-label-anchor', iconSize: null,
      html: '<span class="atlas-label ' + r[3] + '" data-p="' + r[4] + '" data-z="' + r[5] + '">' + r[2] + '</span>'
    })}).addTo(map);
  });
  var timer = null, SIDES = ['', 'at-left', 'at-above', 'at-below'];
  function declutter() {  // names by priority; one that would overlap a name already shown gives way
    var zoom = map.getZoom(), placed = [];
    var all = Array.prototype.slice.call(map.getContainer().querySelectorAll('.atlas-label'));
    all.sort(function (a, b) { return (+a.dataset.p) - (+b.dataset.p); });
    function free(r) {
      for (var i = 0; i < placed.length; i++) {
        var q = placed[i];
        if (!(r.right + 3 < q.left || r.left - 3 > q.right || r.bottom + 1 < q.top || r.top - 1 > q.bottom)) return false;
      }
      return true;
    }
    all.forEach(function (el) {  // a place's name may sit on either side of its point, or above or below it
      el.style.visibility = 'hidden';
      SIDES.forEach(function (c) { if (c) el.classList.remove(c); });
      if (zoom < +el.dataset.z) return;
      var sides = el.classList.contains('node') ? SIDES : el.classList.contains('capital') ? SIDES.slice(0, 2) : [''];
      for (var s = 0; s < sides.length; s++) {
        if (sides[s]) el.classList.add(sides[s]);
        var r = el.getBoundingClientRect();
        if (!r.width) return;
        if (free(r)) { placed.push(r); el.style.visibility = 'visible'; return; }
        if (sides[s]) el.classList.remove(sides[s]);
      }
    });
  }
  function later() { clearTimeout(timer); timer = setTimeout(declutter, 60); }
  map.on('zoomend moveend layeradd resize', later);
  later();
  map.on('layeradd', function (e) {  // shapes are clicked or chosen by search, not tabbed to one by one
    var el = e.layer && e.layer.getElement && e.layer.getElement();
    if (el && el.classList && el.classList.contains('leaflet-interactive')) { el.setAttribute('tabindex', '-1'); }
  });
})(%s, %s);
"""


class LabelLayer(FinishedScript):
    """The base map's place names (`labels_json`), in a pane of their own above the shapes; they never take
    clicks or keyboard focus, and give way by priority where they would overlap (names the page's layer adds, such
    as transport nodes, take part too). It also keeps the map's shapes out of the tab order."""

    def script(self) -> str:
        return _LABELS_JS % (self._parent.get_name(), self.data_json)


class GroupLabels(FinishedScript):
    """Names that belong to a page's layer (transport nodes, line ends), added to that layer so they come and go
    with it; drawn and decluttered like the base map's (`LabelLayer`). `rows` as `labels_json` makes them."""

    def script(self) -> str:
        group = self._parent.get_name()
        return (
            f"{self.data_json}.forEach(function (r) {{ L.marker([r[0], r[1]], {{pane: 'atlasLabels', interactive: false, "
            "keyboard: false, icon: L.divIcon({className: 'atlas-label-anchor', iconSize: null, html: '<span class=\"atlas-label ' "
            "+ r[3] + '\" data-p=\"' + r[4] + '\" data-z=\"' + r[5] + '\">' + r[2] + '</span>'})})"
            f".addTo({group}); }});"
        )
