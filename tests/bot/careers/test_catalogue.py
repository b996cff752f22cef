"""bot.careers.catalogue: ranking occupations for an interest profile and career paths
from real O*NET occupations."""

from __future__ import annotations

import pytest

from bot.careers import profiler
from bot.careers.catalogue import Catalogue, top_areas

REGISTERED_NURSES = "29-1141.00"
ACCOUNTANTS = "13-2011.00"
SOFTWARE_DEVELOPERS = "15-1252.00"

ARTISTIC = {"R": 5, "I": 12, "A": 38, "S": 15, "E": 10, "C": 3}
CONVENTIONAL = {"R": 8, "I": 10, "A": 2, "S": 8, "E": 15, "C": 38}


@pytest.fixture(scope="module")
def catalogue(careers) -> Catalogue:
    return careers.catalogue


def codes(suggestions) -> list[str]:
    return [s.occupation.code for s in suggestions]


def is_clerical_or_accounting(code: str) -> bool:
    """SOC 43: office and administrative support; 13-2: financial specialists (accountants,
    tax preparers...)."""
    return code.startswith(("43-", "13-2"))


# ---- ranking by interests ----------------------------------------------------------------


def test_artistic_profile_puts_arts_and_design_first(catalogue) -> None:
    top = catalogue.rank_by_interests(ARTISTIC, limit=10)

    assert len(top) == 10
    assert top[0].occupation.major_group == "27"  # arts, design, entertainment, sports and media
    assert sum(o.startswith("27-") for o in codes(top)) >= 7


def test_conventional_profile_puts_clerical_and_accounting_first(catalogue) -> None:
    top = catalogue.rank_by_interests(CONVENTIONAL, limit=10)

    assert sum(is_clerical_or_accounting(o) for o in codes(top)) >= 8
    assert "43-3031.00" in codes(top)  # Bookkeeping, Accounting, and Auditing Clerks


def test_a_profile_from_the_profiler_ranks_the_same_way(catalogue) -> None:
    """Someone who loves the artistic activities and is lukewarm about the rest."""
    items = catalogue.profiler_items
    responses = {i.number: 5 if i.area == "A" else 3 if i.area in "SI" else 2 for i in items}
    profile = profiler.score(items, responses)
    assert profile.code == "AIS"

    top = catalogue.rank_by_interests(profile.scores, limit=10)
    assert sum(o.startswith("27-") for o in codes(top)) >= 7


def test_ranking_is_by_fit_best_first(catalogue) -> None:
    top = catalogue.rank_by_interests(ARTISTIC, limit=20)
    scores = [s.score for s in top]

    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)  # a correlation
    assert top[0].score > 0.8


def test_suggestions_say_which_interests_they_share(catalogue) -> None:
    person_top = top_areas(ARTISTIC)
    assert person_top == "ASI"
    for s in catalogue.rank_by_interests(ARTISTIC, limit=10):
        assert s.shared_areas
        assert all(letter in person_top and letter in s.occupation.interest_code for letter in s.shared_areas)
        assert s.tasks  # an example of the work, from O*NET's tasks


@pytest.mark.parametrize("zones", [[2], [4, 5], [1, 2, 3]])
def test_job_zone_filter_is_respected(catalogue, zones) -> None:
    top = catalogue.rank_by_interests(CONVENTIONAL, zones=zones, limit=15)

    assert len(top) == 15
    assert {s.occupation.job_zone for s in top} <= set(zones)


def test_zone_filter_keeps_the_order_of_the_unfiltered_ranking(catalogue) -> None:
    everything = codes(catalogue.rank_by_interests(CONVENTIONAL, limit=60))
    zone_two = codes(catalogue.rank_by_interests(CONVENTIONAL, zones=[2], limit=5))

    assert zone_two == [c for c in everything if catalogue.get(c).job_zone == 2][:5]


def test_excluded_occupations_are_left_out(catalogue) -> None:
    first = codes(catalogue.rank_by_interests(CONVENTIONAL, limit=3))
    rest = codes(catalogue.rank_by_interests(CONVENTIONAL, limit=3, exclude=first))

    assert not set(first) & set(rest)


@pytest.mark.parametrize(
    "scores", [dict.fromkeys("RIASEC", 20.0), dict.fromkeys("RIASEC", 0.0), {}], ids=["flat", "zeros", "empty"]
)
def test_flat_profile_suggests_nothing(catalogue, scores) -> None:
    assert catalogue.rank_by_interests(scores) == []


def test_occupations_without_an_interest_profile_are_never_ranked(catalogue) -> None:
    unprofiled = {code for code, o in catalogue.occupations.items() if o.interests is None}
    assert unprofiled  # O*NET's "All Other" occupations have no profile
    ranked = codes(catalogue.rank_by_interests(ARTISTIC, limit=len(catalogue.occupations)))
    assert not unprofiled & set(ranked)


# ---- career paths -----------------------------------------------------------------------


def test_traditional_path_of_registered_nurses_climbs_the_nursing_ladder(catalogue) -> None:
    steps = catalogue.paths(REGISTERED_NURSES, "traditional", limit=6, direction="professional_technical")

    assert {"29-1171.00", "29-1141.04"} <= set(codes(steps))  # Nurse Practitioners, Clinical Nurse Specialists
    assert all(s.occupation.major_group == "29" for s in steps)  # a specialist direction: no managers in six
    assert all(s.occupation.job_zone >= 4 for s in steps)  # nurses are job zone 4: never a step down
    assert all(s.reason for s in steps)


def test_traditional_path_with_a_management_direction_starts_with_the_fields_management(catalogue) -> None:
    steps = catalogue.paths(ACCOUNTANTS, "traditional", limit=6, direction="management")

    assert codes(steps)[:2] == ["11-3031.00", "11-3031.01"]  # Financial Managers, Treasurers and Controllers
    assert all(s.reason == "the management occupation that leads your field" for s in steps[:2])


def test_lateral_path_of_accountants_stays_at_the_same_level(catalogue) -> None:
    steps = catalogue.paths(ACCOUNTANTS, "lateral", limit=6)
    related = {code for code, _ in catalogue.related[ACCOUNTANTS]}

    assert "13-2031.00" in codes(steps)  # Budget Analysts
    assert all(s.occupation.job_zone == 4 for s in steps)
    assert set(codes(steps)) <= related
    # O*NET's most related occupation is a clerical one at job zone 3: not a lateral move
    assert catalogue.related[ACCOUNTANTS][0][0] == "43-3031.00"
    assert "43-3031.00" not in codes(steps)


def test_lateral_path_follows_onet_relatedness_order(catalogue) -> None:
    steps = codes(catalogue.paths(ACCOUNTANTS, "lateral", limit=6))
    order = [code for code, _ in catalogue.related[ACCOUNTANTS]]
    assert steps == sorted(steps, key=order.index)


def test_dual_ladder_of_software_developers_has_both_tracks(catalogue) -> None:
    steps = catalogue.paths(SOFTWARE_DEVELOPERS, "dual_ladder", limit=6)
    specialist = [s for s in steps if s.track == "specialist"]
    management = [s for s in steps if s.track == "management"]

    assert specialist and management
    assert len(specialist) + len(management) == len(steps) == 6
    assert "11-3021.00" in codes(management)  # Computer and Information Systems Managers
    assert "15-1299.08" in codes(specialist)  # Computer Systems Engineers/Architects
    assert all(s.occupation.is_management for s in management)
    assert all(not s.occupation.is_management and s.occupation.major_group == "15" for s in specialist)
    assert not {"11-9041.01", "11-9121.00", "19-3051.00"} & set(codes(steps))  # no padding from other fields


@pytest.mark.parametrize("code", [REGISTERED_NURSES, ACCOUNTANTS, SOFTWARE_DEVELOPERS])
def test_network_path_shares_the_skill_profile(catalogue, code) -> None:
    steps = catalogue.paths(code, "network", limit=5)
    similarity = catalogue.skill_similarity(code)
    zone = catalogue.get(code).job_zone

    assert len(steps) == 5
    assert code not in codes(steps)
    assert [s.score for s in steps] == [similarity[c] for c in codes(steps)]
    assert [s.score for s in steps] == sorted((s.score for s in steps), reverse=True)
    assert all(s.score > 0.9 for s in steps)
    assert all(abs(s.occupation.job_zone - zone) <= 1 for s in steps)
    assert all(s.reason.startswith("shares ") for s in steps)


def test_network_of_accountants_holds_finance_occupations(catalogue) -> None:
    steps = codes(catalogue.paths(ACCOUNTANTS, "network", limit=6))
    assert {"11-3031.00", "13-2031.00"} <= set(steps)  # Financial Managers, Budget Analysts


@pytest.mark.parametrize("path_type", ["traditional", "lateral", "network", "dual_ladder"])
def test_every_path_type_leaves_the_start_out(catalogue, path_type) -> None:
    for code in (REGISTERED_NURSES, ACCOUNTANTS, SOFTWARE_DEVELOPERS):
        steps = catalogue.paths(code, path_type, limit=4)
        assert steps, (code, path_type)
        assert code not in codes(steps)
        assert len(steps) <= 4


def test_unknown_path_type_is_an_error(catalogue) -> None:
    with pytest.raises(ValueError, match="unknown path type"):
        catalogue.paths(ACCOUNTANTS, "diagonal")


def test_unknown_occupation_has_no_paths(catalogue) -> None:
    assert catalogue.paths("99-9999.00", "lateral") == []


def test_traditional_path_needs_a_job_zone(catalogue) -> None:
    without_zone = next(code for code, o in catalogue.occupations.items() if o.job_zone is None)
    assert catalogue.paths(without_zone, "traditional") == []


# ---- skills and education -----------------------------------------------------------------


def test_top_skills_are_the_most_important_first(catalogue) -> None:
    skills = catalogue.top_skills(ACCOUNTANTS, 6)

    assert len(skills) == 6
    assert all(q.kind == "skill" for q in skills)
    assert [q.importance for q in skills] == sorted((q.importance for q in skills), reverse=True)
    assert skills[0].name == "Reading Comprehension"


def test_unrated_occupations_borrow_the_closest_related_ratings(catalogue) -> None:
    # O*NET 29.3 has no skill ratings for Software Developers themselves
    assert not catalogue.requirements.get(SOFTWARE_DEVELOPERS)
    source = catalogue.requirement_source(SOFTWARE_DEVELOPERS)
    assert source in {code for code, _ in catalogue.related[SOFTWARE_DEVELOPERS]}
    assert catalogue.top_skills(SOFTWARE_DEVELOPERS) == catalogue.top_skills(source)
    assert catalogue.requirement_source(REGISTERED_NURSES) == REGISTERED_NURSES


def test_education_shares_of_pharmacists(catalogue) -> None:
    shares = catalogue.education_shares("29-1051.00")

    assert shares[0].description == "Doctoral Degree"
    assert shares[0].percent > 50
    assert all(s.percent >= 10 for s in shares)
    assert [s.percent for s in shares] == sorted((s.percent for s in shares), reverse=True)


def test_related_occupations_in_onet_order(catalogue) -> None:
    related = catalogue.related_occupations(REGISTERED_NURSES, 3)
    assert [o.code for o in related] == [code for code, _ in catalogue.related[REGISTERED_NURSES][:3]]
    assert "29-1171.00" in [o.code for o in catalogue.related_occupations(REGISTERED_NURSES, 5)]


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        (ARTISTIC, "ASI"),
        (CONVENTIONAL, "CEI"),
        ({"R": 1, "I": 1, "A": 1, "S": 0, "E": 0, "C": 0}, "RIA"),
        ({"C": 5}, "CRI"),
    ],
)
def test_top_areas(scores, code) -> None:
    assert top_areas(scores) == code


def test_similarities_are_kept_but_never_changed_by_a_path(catalogue) -> None:
    before = dict(catalogue.skill_similarity("13-1081.00"))
    catalogue.paths("53-1042.00", "lateral", limit=6, toward="13-1081.00")
    catalogue.paths("53-1042.00", "traditional", limit=6, direction="management", toward="13-1081.00")

    assert catalogue.skill_similarity("13-1081.00") == before
    assert catalogue.skill_similarity("13-1081.00") is catalogue.skill_similarity("13-1081.00")  # computed once


def test_far_moves_appear_only_when_asked_and_always_with_the_reason(catalogue) -> None:
    engineer = {"R": 32, "I": 30, "A": 10, "S": 8, "E": 18, "C": 20}
    near = catalogue.rank_by_interests(engineer, limit=10, near="17-2141.00")
    far = catalogue.rank_by_interests(engineer, limit=40, near="17-2141.00", far=True)
    start = catalogue.get("17-2141.00")

    assert all(catalogue.near_enough(start, s.occupation) for s in near)
    assert all(s.reason for s in near + far)
    outside = [s for s in far if not catalogue.near_enough(start, s.occupation)]
    assert outside and all(s.reason.startswith("a far move from your field") for s in outside)
