"""The opening lesson's two tables: evidence against questions, and claims by status."""
import pytest

from survlab.people import evidence as E


def test_every_kind_of_evidence_answers_every_question_on_the_three_point_scale():
    for name, row in E.EVIDENCE.items():
        assert len(row) == len(E.QUESTIONS) and set(row) <= {0, 1, 2}, name


def test_no_kind_of_evidence_speaks_directly_to_scale():
    scale = E.QUESTIONS.index("how widely")
    assert all(row[scale] < 2 for row in E.EVIDENCE.values())


def test_claims_are_counted_by_system_and_status():
    table = E.claims_by_status()
    assert sum(sum(v.values()) for v in table.values()) == len(E.CLAIMS)
    assert table["screens"]["documented"] == 2


def test_a_claim_with_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status must be one of"):
        E.claims_by_status((E.Claim("x", "y", "probably"),))


@pytest.mark.parametrize("plot", [E.plot_evidence_matrix, E.plot_claim_status])
def test_figures_are_titled(plot):
    assert plot().get_title()


def test_announcements_and_broadcasts_are_sorted_alike():
    """The review found Manbang's broadcast documented but the Sunan announcement reported."""
    displays = [c for c in E.CLAIMS if "(an announcement)" in c.claim or "(a display)" in c.claim]
    assert len(displays) == 2 and {c.status for c in displays} == {"documented"}


def test_status_counts_add_up_and_refuse_unknown_statuses():
    assert sum(E.count_status(s) for s in E.STATUSES) == len(E.CLAIMS)
    assert E.count_status("documented") == sum(v["documented"] for v in E.claims_by_status().values())
    with pytest.raises(ValueError, match="status must be one of"):
        E.count_status("probably")
