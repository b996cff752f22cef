"""Cleaning what people type, and quoting it safely back to them."""

from __future__ import annotations

import re
import unicodedata

LONG_ANSWER = 2000  # characters: longer answers are stored whole but flagged to the person

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_answer(raw: object) -> str:
    """Normalise an answer for storage: NFC, no control characters, tidy spaces.

    The words themselves, markup included, are kept: they are escaped where rendered.
    """
    text = "" if raw is None else str(raw)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def has_words(text: str) -> bool:
    """True when the text has a letter or digit in any script (emoji alone is not an answer)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


_ENTITY = re.compile(r"&(?=#?\w+;)")


def for_chat(text: str, limit: int = 160) -> str:
    """User text quoted back in a chat message: shortened and with markup neutralised.

    Tags become visible text (`<` and `>` escaped) and so do typed entities such as
    "&lt;"; a plain ampersand ("R&D") is left as it is, so it reads naturally everywhere.
    A Markdown link ("[x](url)") stays words, never a link.
    """
    short = text
    if len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        # end on a whole word ("data quality…", not "data quali…") unless that loses too much
        short = (cut[:space] if space >= limit // 2 else cut).rstrip(" ,;:-") + "…"
    # "[x](javascript:…)" would be a link in the widget's Markdown: a space after the bracket
    # keeps the words and breaks the link, in every channel alike
    return _ENTITY.sub("&amp;", short).replace("<", "&lt;").replace(">", "&gt;").replace("](", "] (")


# Abbreviations people type in chat, spelt out for matching ("my dept is inbound", "mgr n hr").
_ABBREVIATIONS = {
    "dept": "department", "depts": "departments", "mgr": "manager", "mgrs": "managers", "yrs": "years",
    "yr": "year", "mths": "months", "wks": "weeks", "ur": "your", "abt": "about", "pls": "please", "plz": "please",
    "wat": "what", "wut": "what", "wats": "what's",
}
_ABBREVIATION = re.compile(r"(?<![\w'])(" + "|".join(_ABBREVIATIONS) + r")(?![\w'])")


def normalise_for_matching(text: str) -> str:
    """Lower-case words for matching choices and phrases."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[’`´]", "'", text)
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w'+\-#/ .]", " ", text)).strip(" .")
