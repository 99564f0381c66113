"""Play on the Overview and Membership: the frames are the view's dated events with captions from the data; each
frame is a whole view (date in the link, the map's layer replaced); play stops at the last event, on Pause and when
the date is changed otherwise; a link opens paused. In Chromium: P plays in presentation mode, and two frames are
drawn in place (same document, same map, same zoom) as the caption changes, with nothing to scroll."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from geo.play import frame_caption, next_frame, play_frames, previous_frame

D = dt.date


def test_overview_frames_are_the_consultative_meetings_days_with_what_happened(atlas):
    frames = play_frames(atlas, "overview", {})
    days = [f.day for f in frames]
    assert days[0] == D(2018, 3, 15) and days[-1] == D(2025, 11, 16) and days == sorted(set(days))
    last = frames[-1].caption
    assert last.startswith("16 Nov 2025 · ") and "Tashkent" in last and "Azerbaijan: member of the" in last
    first = frames[0].caption  # five countries joining on one day are named together
    assert "Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan: member of the" in first
    assert frame_caption(frames, D(2020, 1, 1)).startswith("1 Jan 2020 · latest event: 29 Nov 2019, ")
    assert frame_caption(frames, D(2017, 1, 1)) == "1 Jan 2017 · no event recorded yet"
    assert next_frame(frames, days[-1]) is None and next_frame(frames, days[-1], restart=True) == frames[0]
    assert previous_frame(frames, days[0]) is None and previous_frame(frames, D(2019, 11, 29)).day == days[0]


def test_membership_frames_follow_the_view(atlas):
    ots = play_frames(atlas, "membership", {"view": "organisation", "body": "ots"})
    assert ots and all("OTS" in f.events for f in ots)
    cis = play_frames(atlas, "membership", {"view": "organisation", "body": "cis"})
    assert {f.day for f in ots} != {f.day for f in cis}
    both = play_frames(atlas, "membership", {"view": "compare", "compare": ["ots", "cis"], "body": "ots"})
    assert {f.day for f in both} == {f.day for f in ots} | {f.day for f in cis}


def _layer(at) -> str:
    maps = [e for e in at.get("component_instance") if e.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(maps[0].proto.json_args)["feature_group"]


def _caption(at) -> str:
    return next(m.value for m in at.markdown if " · " in m.value and m.value.startswith("**"))


def _tick(at, page: str):
    """What the playing fragment does when a frame's time is up: the test moves the clock instead of waiting."""
    at.session_state[f"_play_last_{page}"] = -1e9
    return at.run()


def test_overview_plays_frame_by_frame_each_a_whole_view(monkeypatch, run_page):
    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = run_page("pages/overview.py", {"date": "2018-01-01"})
    assert not at.exception and at.button(key="overview_play").label == "▶ Play"  # a link opens paused
    assert "no event recorded yet" in _caption(at) and _layer(at).count("atlas-venue") == 0
    at.button(key="overview_play").click().run()  # Play shows the next event at once
    assert at.session_state["overview_as_of"] == D(2018, 3, 15) and at.session_state["_play_overview"]
    assert "15 Mar 2018 · Meeting 1 in Astana" in _caption(at) and _layer(at).count("atlas-venue") == 1
    assert at.button(key="overview_play").label == "❚❚ Pause"
    _tick(at, "overview")
    assert not at.exception and at.session_state["overview_as_of"] == D(2019, 11, 29)
    assert at.query_params["date"] == "2019-11-29"  # the link follows the frame
    assert "29 Nov 2019 · Meeting 2 in Tashkent" in _caption(at) and _layer(at).count("atlas-venue") == 2
    at.run()  # a rerun before the frame's time is up (the map reporting its view) keeps the frame
    assert at.session_state["overview_as_of"] == D(2019, 11, 29)
    at.button(key="overview_play").click().run()  # Pause
    assert not at.session_state["_play_overview"] and at.button(key="overview_play").label == "▶ Play"
    _tick(at, "overview")
    assert at.session_state["overview_as_of"] == D(2019, 11, 29)


def test_play_stops_at_the_last_event_and_when_the_reader_changes_the_date(monkeypatch, run_page):
    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = run_page("pages/overview.py", {"date": "2025-08-05"})
    at.button(key="overview_play").click().run()
    assert at.session_state["overview_as_of"] == D(2025, 11, 16)
    _tick(at, "overview")
    assert not at.session_state["_play_overview"] and at.session_state["overview_as_of"] == D(2025, 11, 16)
    at.button(key="overview_play").click().run()  # at the end, Play starts again from the first event
    assert at.session_state["overview_as_of"] == D(2018, 3, 15) and at.session_state["_play_overview"]
    at.date_input(key="overview_as_of").set_value(D(2024, 1, 1)).run()
    assert not at.session_state["_play_overview"]
    _tick(at, "overview")
    assert at.session_state["overview_as_of"] == D(2024, 1, 1)


def test_membership_plays_the_chosen_organisations_events(monkeypatch, run_page):
    from geo.load import load_atlas

    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    frames = play_frames(load_atlas(), "membership", {"view": "organisation", "body": "ots"})
    at = run_page("pages/membership.py", {"body": "ots", "date": "2000-01-01"})
    assert not at.exception
    before = _layer(at)
    at.button(key="membership_play").click().run()
    assert at.session_state["membership_date"] == frames[0].day and _layer(at) != before
    assert _caption(at).startswith(f"**{frames[0].day.day} ")
    _tick(at, "membership")
    assert at.session_state["membership_date"] == frames[1].day and at.query_params["date"] == frames[1].day.isoformat()
    at.button(key="membership_play_prev").click().run()
    assert at.session_state["membership_date"] == frames[0].day and not at.session_state["_play_membership"]


@pytest.mark.browser
def test_play_draws_frames_in_place_in_presentation_mode(browser, app_url):
    from playwright.sync_api import expect

    from bench.browser import wait_until_settled

    frame = 'iframe[title="streamlit_folium.st_folium"]'
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{app_url}/?date=2018-01-01&present=1", wait_until="domcontentloaded")
    caption = page.locator(".st-key-atlas-play-caption p")
    expect(caption).to_contain_text("1 Jan 2018", timeout=60_000)
    expect(page.frame_locator(frame).locator(".atlas-legend").first).to_be_visible(timeout=60_000)
    wait_until_settled(page)
    zoom = page.evaluate("new URLSearchParams(location.search).get('z')")
    page.evaluate("window.__sameDocument = true")
    page.frame_locator(frame).locator(".leaflet-container").evaluate("() => { window.__sameMap = true; }")
    page.locator("body").press("p")  # the keyboard plays
    expect(caption).to_contain_text("15 Mar 2018 · Meeting 1 in Astana", timeout=15_000)
    expect(page.frame_locator(frame).locator("path.atlas-venue")).to_have_count(1, timeout=15_000)
    expect(caption).to_contain_text("29 Nov 2019 · Meeting 2 in Tashkent", timeout=15_000)
    expect(page.frame_locator(frame).locator("path.atlas-venue")).to_have_count(2, timeout=15_000)
    page.locator("body").press("p")  # and pauses
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=15_000)
    wait_until_settled(page)
    assert page.evaluate("window.__sameDocument === true")
    assert page.frame_locator(frame).locator(".leaflet-container").evaluate("() => window.__sameMap === true")
    params = page.evaluate("Object.fromEntries(new URLSearchParams(location.search))")
    assert params["z"] == zoom and params["date"] in ("2019-11-29", "2021-08-06") and params["present"] == "1"
    box = caption.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 768
    assert float(caption.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 18  # legible in a room
    assert page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                         " return m.scrollHeight <= m.clientHeight + 1; }"), "the presentation screen scrolls"
    context.close()
