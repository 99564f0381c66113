"""The shipped data: valid, every source cited somewhere, every source reachable by URL or explained in a note."""

from __future__ import annotations

from geo.load import load_atlas
from geo.tables import TABLE_SPECS


def test_shipped_data_is_valid_and_every_source_is_used():
    atlas = load_atlas()
    cited = set()
    for spec in TABLE_SPECS.values():
        if "sources" in spec.names:
            table = getattr(atlas, spec.file.split(".")[0])
            cited.update(i for cell in table["sources"] for i in cell.split(";") if i)
    assert set(atlas.sources["id"]) - cited == set()
    assert cited - set(atlas.sources["id"]) == set()


def test_every_source_has_a_url_or_a_note():
    sources = load_atlas().sources
    assert sources[(sources["url"] == "") & (sources["note"] == "")].empty


def test_cica_members_over_time_and_in_the_5plus3_coverage():
    """CICA (issue 17): Kazakhstan from the first ministerial meeting (1999), the other five members from the first
    summit (2002), Turkmenistan an observer since 2022; Armenia and Georgia take no part."""
    from geo import compare as cmp

    atlas = load_atlas()
    cica = cmp.proposal_coverage(atlas, "2026-01-01").set_index("body").loc["cica"]
    assert cica["members"] == "Kazakhstan, Kyrgyzstan, Tajikistan, Uzbekistan, Azerbaijan"
    assert cica["other"] == "Turkmenistan (observer)" and cica["left_out"] == "Armenia, Georgia"
    early = cmp.proposal_coverage(atlas, "2000-01-01").set_index("body").loc["cica"]
    assert early["members"] == "Kazakhstan" and early["n_taking_part"] == 1


def test_aktau_convention_signatories_are_not_parties():
    """The Convention on the Legal Status of the Caspian Sea is not in force: its five signatories read "Signatory",
    which is not taking part, so the 5+3 coverage lists them as left out, with their status."""
    from geo import compare as cmp
    from geo import vocab
    from geo.memberships import statuses_as_of

    atlas = load_atlas()
    today = statuses_as_of(atlas, "caspian_legal_status", "2026-01-01", iso3=["AZE", "IRN", "KAZ", "RUS", "TKM"])
    assert set(today["status"]) == {"signatory"} and vocab.STATUS_DISPLAY["signatory"] == "Signatory"
    assert "signatory" not in vocab.PARTICIPATION
    aktau = cmp.proposal_coverage(atlas, "2026-01-01").set_index("body").loc["caspian_legal_status"]
    assert aktau["n_taking_part"] == 0 and "Kazakhstan (signatory)" in aktau["left_out"]
