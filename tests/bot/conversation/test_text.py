"""bot.conversation.text: cleaning what people type and quoting it back safely."""

from __future__ import annotations

import pytest

from bot.conversation.text import clean_answer, for_chat, has_words, normalise_for_matching


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b\x07c\x7f", "abc"),  # control characters removed
        ("  Data   analyst \t in\u00a0finance  ", "Data analyst in finance"),
        ("first line  \n\n\n   second line\r\n", "first line\nsecond line"),
        ("e\u0301cole", "\u00e9cole"),  # NFC
        ("<b>keep</b> & markup", "<b>keep</b> & markup"),
        (None, ""),
        (42, "42"),
        ("   ", ""),
    ],
)
def test_clean_answer(raw, expected):
    assert clean_answer(raw) == expected


def test_clean_answer_result_is_nfc():
    cleaned = clean_answer("Zu\u0308rich")
    assert cleaned == "Zürich"
    assert len(cleaned) == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", True),
        ("42", True),
        ("中", True),
        ("مرحبا", True),
        ("٣", True),  # Arabic-Indic digit
        ("🚀🎉", False),
        ("... !!! ???", False),
        ("", False),
        ("👍 ok", True),
    ],
)
def test_has_words(text, expected):
    assert has_words(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; & y"),
        ("typed &lt; entity", "typed &amp;lt; entity"),
        ('"quoted" and \'single\'', '"quoted" and \'single\''),  # quotes stay readable
        ("plain", "plain"),
        ("[click me](javascript:alert(1))", "[click me] (javascript:alert(1))"),  # words, never a link
    ],
)
def test_for_chat_escapes_markup(text, expected):
    assert for_chat(text) == expected


def test_for_chat_truncates_to_limit():
    assert for_chat("a" * 200) == "a" * 159 + "…"


def test_for_chat_shortens_at_a_whole_word():
    assert for_chat("better data quality in the weekly reports", 20) == "better data…"
    assert len(for_chat("word " * 100, 50)) <= 50
    assert len(for_chat("a" * 200)) == 160
    assert for_chat("a" * 160) == "a" * 160


def test_for_chat_custom_limit_trims_trailing_space():
    assert for_chat("abcd efgh", limit=6) == "abcd…"


def test_for_chat_truncates_before_escaping():
    assert for_chat("<" * 10, limit=5) == "&lt;" * 4 + "…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Master’s  Degree!", "master's degree"),
        ("  HR.  ", "hr"),
        ("C++ / C#", "c++ / c#"),
        ("ＦＵＬＬ width", "full width"),
    ],
)
def test_normalise_for_matching(text, expected):
    assert normalise_for_matching(text) == expected
