"""bot.careers.titles: free-text job titles to O*NET occupations – exact and alternate
titles, titles inside sentences, typos, ambiguous words and nonsense."""

from __future__ import annotations

import pytest

from bot.careers.titles import TitleIndex, normalise, title_phrase

DATA_SCIENTISTS = "15-2051.00"
WEB_DEVELOPERS = "15-1254.00"
SOFTWARE_DEVELOPERS = "15-1252.00"
ACCOUNTANTS = "13-2011.00"
BOOKKEEPING_CLERKS = "43-3031.00"
GRAPHIC_DESIGNERS = "27-1024.00"


@pytest.fixture(scope="module")
def index(careers) -> TitleIndex:
    return careers.titles


def resolved(index: TitleIndex, text: str) -> str | None:
    """The occupation a title resolves to confidently, else None."""
    result = index.resolve(text)
    return result.best.code if result.confident and result.best else None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("data scientist", DATA_SCIENTISTS),
        ("Data Scientists", DATA_SCIENTISTS),
        ("DATA SCIENTIST", DATA_SCIENTISTS),
        ("Registered Nurses", "29-1141.00"),
        ("pharmacist", "29-1051.00"),
        ("Web Developers", WEB_DEVELOPERS),
    ],
)
def test_exact_titles_resolve_confidently(index, text, code) -> None:
    result = index.resolve(text)

    assert result.confident is True
    assert result.best.code == code
    assert result.best.score == 100.0
    assert len(result.matches) == 1


@pytest.mark.parametrize(
    ("text", "code", "matched"),
    [
        ("Back End Developer", WEB_DEVELOPERS, "Back End Developer"),
        ("backend developer", WEB_DEVELOPERS, "Back End Developer"),
        ("bookkeeper", BOOKKEEPING_CLERKS, "Bookkeeper"),
        ("software engineer", SOFTWARE_DEVELOPERS, "Software Engineer"),
        ("attorney", "23-1011.00", "Attorney"),
        ("physiotherapist", "29-1123.00", "Physiotherapist"),
    ],
)
def test_alternate_titles_resolve_to_their_occupation(careers, index, text, code, matched) -> None:
    result = index.resolve(text)

    assert result.confident is True
    assert result.best.code == code
    assert result.best.matched == matched
    assert result.best.title == careers.catalogue.get(code).title  # the O*NET title is shown, not the alternate


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I'm a backend dev at a bank", WEB_DEVELOPERS),
        ("I work as a pharmacist in a hospital", "29-1051.00"),
        ("I'd like to become a data scientist", DATA_SCIENTISTS),
        ("currently I'm a senior software engineer at Google", SOFTWARE_DEVELOPERS),
        ("My job title is bookkeeper, for a small firm", BOOKKEEPING_CLERKS),
        ("RN", "29-1141.00"),
        ("sr accountant", ACCOUNTANTS),
    ],
)
def test_titles_inside_sentences_and_short_forms(index, text, code) -> None:
    assert resolved(index, text) == code


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I'm a backend dev at a bank", "backend dev"),
        ("I am working as a nurse in the ICU", "nurse"),
        ("Well, I think I'd like to become a data scientist", "data scientist"),
        ("teacher", "teacher"),
    ],
)
def test_title_phrase_drops_lead_ins_and_tails(text, phrase) -> None:
    assert title_phrase(text) == phrase


def test_normalise_expands_short_forms() -> None:
    assert normalise("Sr. Backend Dev") == "senior back end developer"
    assert normalise("HR Mgr") == "human resources manager"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("sofware enginer", SOFTWARE_DEVELOPERS),
        ("accountnat", ACCOUNTANTS),
        ("pharmacits", "29-1051.00"),
        ("registred nurse", "29-1141.00"),
        ("mechanical enginer", "17-2141.00"),
    ],
)
def test_typos_resolve_confidently(index, text, code) -> None:
    result = index.resolve(text)

    assert result.confident is True
    assert result.best.code == code
    assert 90 <= result.best.score < 100


def test_a_typo_close_to_several_titles_offers_them(index) -> None:
    result = index.resolve("graphic desginer")

    assert GRAPHIC_DESIGNERS in [m.code for m in result.matches]
    assert result.best.code == GRAPHIC_DESIGNERS
    assert 1 < len(result.matches) <= 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nurse", "29-1141.00"),  # Registered Nurses among them
        ("teacher", None),
        ("manager", None),
        ("analyst", None),
    ],
)
def test_ambiguous_titles_are_never_confident(index, text, expected) -> None:
    result = index.resolve(text)

    assert result.confident is False
    assert len(result.matches) == 3
    assert len({m.code for m in result.matches}) == 3  # one match per occupation
    if expected:
        assert expected in [m.code for m in result.matches]


def test_a_generic_word_offers_occupations_named_by_it(index) -> None:
    result = index.resolve("manager")
    assert all("Manager" in m.title for m in result.matches)


@pytest.mark.parametrize("text", ["qwertyuiop", "", "   ", "!!!", "xyzzy plugh"])
def test_nonsense_matches_nothing(index, text) -> None:
    result = index.resolve(text)

    assert result.matches == ()
    assert result.confident is False
    assert result.best is None


@pytest.mark.parametrize("text", ["senior accountant", "Senior accountant", "junior accountant", "lead accountant"])
def test_seniority_words_do_not_change_the_occupation(index, text) -> None:
    assert resolved(index, text) == ACCOUNTANTS


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("warehouse shift lead", "Warehouse Shift Supervisor"),
        ("warehouse team leader", "Warehouse Supervisor"),
        ("customer support team lead", "Customer Service Supervisor"),
    ],
)
def test_a_team_or_shift_lead_is_read_as_its_supervisor(index, text, offered) -> None:
    result = index.resolve(text)
    assert result.matches and result.matches[0].matched == offered


def test_lead_alone_is_not_some_supervisor(index) -> None:
    assert all(m.matched != "Supervisor" for m in index.resolve("team lead").matches)


def test_limit_caps_the_matches(index) -> None:
    assert len(index.resolve("manager", limit=5).matches) == 5
    assert len(index.resolve("nurse", limit=1).matches) == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Electronics Engineers, Except Computer", "17-2072.00"),  # got Computer Hardware Engineers, confident
        ("Kindergarten Teachers, Except Special Education", "25-2012.00"),  # got Preschool Teachers, confident
        ("Tax Examiners and Collectors, and Revenue Agents", "13-2081.00"),  # got no match at all
    ],
)
def test_official_titles_with_a_qualifier_resolve_to_themselves(index, text, code) -> None:
    assert resolved(index, text) == code


def test_kindergarten_teacher_is_not_a_preschool_teacher(index) -> None:
    result = index.resolve("kindergarten teacher")
    assert not (result.confident and result.best.code == "25-2011.00")


@pytest.mark.parametrize(("text", "code"), [("Sr. Accountant", ACCOUNTANTS), ("Jr. Data Scientist", DATA_SCIENTISTS)])
def test_abbreviations_with_a_period(index, text, code) -> None:
    assert resolved(index, text) == code


@pytest.mark.parametrize(
    "text",
    ["Shift supervisor, night and evening shifts in the distribution center", "shift supervisor at the warehouse",
     "supervisor in a distribution center"],
)
def test_a_title_many_occupations_share_is_read_with_the_workplace_named(index, text) -> None:
    # "shift supervisor" alone offers correctional officers and police; "supervisor" alone a social worker
    offered = {m.code for m in index.resolve(text).matches}

    assert offered & {"11-3071.00", "53-1042.00", "53-1047.00"}
    assert not offered & {"33-1011.00", "33-1012.00", "21-1029.00"}


def test_a_workplace_word_inside_the_title_narrows_nothing(index) -> None:
    assert index.resolve("plant manager").matches == index.resolve("Plant Manager").matches
    assert {m.code for m in index.resolve("shift supervisor").matches} == {
        m.code for m in index.resolve("shift supervisor, nights").matches
    }
