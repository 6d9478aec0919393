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
