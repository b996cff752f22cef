"""Free-text job titles to O*NET occupations: "I'm a backend dev at a bank" -> Software
Developers (via the alternate title "Back End Developer").

Exact titles and alternate titles first; then fuzzy matching (rapidfuzz) over every title
O*NET knows. When the best match is not clearly better than the next, the caller offers
the top three to choose from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

# Short forms people type; expanded before matching.
ABBREVIATIONS = {
    "dev": "developer", "devs": "developers", "eng": "engineer", "engr": "engineer",
    "mgr": "manager", "admin": "administrator", "asst": "assistant", "exec": "executive",
    "rep": "representative", "sr": "senior", "jr": "junior", "swe": "software engineer",
    "sde": "software development engineer", "pm": "project manager", "vp": "vice president",
    "rn": "registered nurse", "lpn": "licensed practical nurse", "acct": "accountant",
    "cpa": "certified public accountant", "hrbp": "human resources business partner",
    "hr": "human resources", "qa": "quality assurance", "ux": "user experience", "ui": "user interface",
    "ops": "operations", "devops": "devops engineer", "sre": "site reliability engineer",
    "ceo": "chief executive officer", "cfo": "chief financial officer", "cto": "chief technology officer",
    "coo": "chief operating officer", "cio": "chief information officer", "dba": "database administrator",
    "backend": "back end", "frontend": "front end", "fullstack": "full stack",
}
# Lead-ins and tails around a title in a sentence: "I'm a ... at a bank".
_LEAD_INS = (
    "well", "so", "hmm", "um", "uh", "ok", "okay", "currently", "right now", "at the moment", "now",
    "actually", "basically", "honestly", "i think", "i guess", "probably", "maybe", "perhaps",
    "i am currently", "i'm currently", "i am", "i'm", "im", "i work as", "i am working as",
    "i'm working as", "working as", "i am employed as", "employed as", "i do", "my job is",
    "my role is", "my title is", "my position is", "my job title is", "my current job is",
    "my current role is", "my current title is", "my current position is", "i want to be",
    "i want to become", "i would like to be", "i would like to become", "i'd like to be",
    "i'd like to become", "i'd love to be", "i'd love to become", "i hope to be", "i hope to become",
    "i plan to be", "i plan to become", "i aim to be", "i aim to become", "to become", "become",
    "to be", "something like", "something as", "as", "a", "an", "the",
    # a target said in a sentence: "I am aiming for Treasurers and Controllers, with …"
    "aiming for", "aiming at", "aim for", "move into", "moving into", "to move into", "my target is", "my goal is",
    "my goal is to become", "my goal is to be", "i'd like to move into", "i want to move into",
)
_LEAD_IN = re.compile(
    r"^(?:(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(_LEAD_INS, key=len, reverse=True)) + r")\b[\s,]*)+",
    re.I,
)
_TAIL = re.compile(
    r"\s+(?:at|in|for|with|from|on|within|inside|since|working|who|where|because|but|and\s+i|or|"
    r"maybe|perhaps|probably|i\s+think|i\s+guess)\b.*$|\s*[,;.!?(].*$",
    re.I,
)
_NON_WORD = re.compile(r"[^\w+#]+")


def normalise(title: str) -> str:
    # "FP&A" (financial planning and analysis) would fall apart at the "&"
    words = _NON_WORD.sub(" ", title.casefold().replace("fp&a", "financial planning")).split()
    expanded: list[str] = []
    for word in words:
        expanded.extend(ABBREVIATIONS.get(word, word).split())
    return " ".join(expanded)


def _singular(phrase: str) -> str:
    """O*NET titles are plural ("Data Scientists"); people say "data scientist"."""
    words = phrase.split()
    if not words:
        return phrase
    last = words[-1]
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return " ".join(words[:-1] + [last])


def _token_sorted(phrase: str) -> str:
    return " ".join(sorted(phrase.split()))


_ABBREVIATION_DOT = re.compile(r"\b(sr|jr|snr|jnr|asst|mgr|eng|dept)\.", re.I)


def title_phrase(text: str) -> str:
    """The job title in a sentence: "I'm a backend dev at a bank" -> "backend dev"."""
    phrase = _ABBREVIATION_DOT.sub(r"\1", text.strip())  # "Sr. Accountant" is one title
    phrase = _LEAD_IN.sub("", phrase, count=1)
    phrase = _TAIL.sub("", phrase, count=1)
    return phrase.strip(" .,!?\"'“”")


@dataclass(frozen=True)
class Match:
    code: str
    title: str  # the occupation's O*NET title
    matched: str  # the title (alternate, reported...) that matched
    score: float  # 0-100


@dataclass(frozen=True)
class Resolution:
    matches: tuple[Match, ...]  # best first, one per occupation
    confident: bool  # True: matches[0] is the answer; False: offer the top three

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


KIND_ORDER = {"title": 0, "alternate": 1, "short": 2, "reported": 3}
CONFIDENT_SCORE = 90.0
CLEAR_MARGIN = 4.0
# token_sort_ratio below this is a different title, not a typo ("nurse" vs "nursery")
MIN_SCORE = 80.0
# Words that say how senior, not what the job is: "senior accountant" is an accountant.
SENIORITY = frozenset({"senior", "junior", "lead", "principal", "staff", "trainee", "graduate", "entry", "level", "head"})


# What people call a job and O*NET doesn't: a team or shift lead is its supervisor ("warehouse shift lead"
# -> "warehouse shift supervisor"), customer support is customer service. Tried when the words as typed
# find nothing.
_EVERYDAY_WORDS = (
    (re.compile(r"\b(?:team |group |section )?lead(?:er)?\b"), "supervisor"),
    (re.compile(r"\bcustomer (?:support|success|care)\b"), "customer service"),
)


# Where people say they work, as O*NET puts it in front of a title ("warehouse shift
# supervisor", "restaurant manager"): the place, and the words that name it in a sentence.
_WORKPLACES = (
    ("warehouse", ("warehouse", "warehouses", "distribution center", "distribution centre", "dc", "fulfillment center",
                   "fulfilment centre", "logistics", "depot")),
    ("restaurant", ("restaurant", "kitchen", "diner", "cafe")),
    ("retail", ("store", "shop", "supermarket", "retail")),
    ("hotel", ("hotel",)),
    ("hospital", ("hospital", "ward", "clinic")),
    ("factory", ("factory", "plant", "manufacturing")),
    ("call center", ("call center", "call centre", "contact center", "contact centre")),
)


def _everyday_variants(key: str) -> list[str]:
    variants = [key]
    for pattern, replacement in _EVERYDAY_WORDS:
        variants += [pattern.sub(replacement, v) for v in variants if pattern.search(v)]
    # a variant must still say what the job is: "team lead" alone is not "supervisor" of anything
    cleaned = (re.sub(r"\s+", " ", v).strip() for v in variants[1:])
    return [v for v in cleaned if len(v.split()) >= 2]


class TitleIndex:
    """Every O*NET title, normalised, pointing at its occupations."""

    def __init__(self, titles: Iterable[tuple[str, str, str]], occupation_titles: dict[str, str]) -> None:
        # key -> code -> (sources, best kind, title): a title that several O*NET lists give
        # for an occupation (say alternate and reported) is more its own than one they don't
        by_key: dict[str, dict[str, tuple[int, int, str]]] = defaultdict(dict)
        for title, code, kind in titles:
            rank = KIND_ORDER.get(kind, 9)
            keys = {normalise(title)}
            if kind == "title":
                keys.add(_singular(normalise(title)))
                head, comma, rest = title.partition(",")
                if comma and "all other" not in rest.casefold():
                    # "Kindergarten Teachers, Except Special Education" is what people
                    # call a kindergarten teacher ("Managers, All Other" is no one's title)
                    keys.update({normalise(head), _singular(normalise(head))})
            for key in keys:
                if not key:
                    continue
                known = by_key[key].get(code)
                if known is None:
                    by_key[key][code] = (1, rank, title)
                else:
                    sources, best, best_title = known
                    by_key[key][code] = (sources + 1, min(best, rank), title if rank < best else best_title)
        self._by_key = dict(by_key)
        self._keys = list(self._by_key)
        # token-sorted once here, so fuzzy matching is a plain ratio (several times faster
        # than token_sort_ratio, which sorts every candidate on every call)
        self._sorted_keys = [_token_sorted(k) for k in self._keys]
        # single words of occupation titles -> codes: "manager" -> every "... Managers"
        self._title_words: dict[str, set[str]] = defaultdict(set)
        for title, code, kind in titles:
            if kind == "title":
                for word in _singular(normalise(title)).split() + normalise(title).split():
                    self._title_words[word].add(code)
        self._occupation_titles = occupation_titles

    def __len__(self) -> int:
        return len(self._keys)

    def containing(self, words: Iterable[str]) -> dict[str, str]:
        """Occupations with a title holding every one of `words` ("sergeant" -> "Police
        Sergeant", "Army Sergeant"...): code -> the shortest such title."""
        if not hasattr(self, "_keys_by_word"):
            index: dict[str, set[int]] = defaultdict(set)
            for position, key in enumerate(self._keys):
                for word in key.split():
                    index[word].add(position)
                    index[_singular(word)].add(position)
            self._keys_by_word = dict(index)
        sets = [self._keys_by_word.get(w, set()) for w in words]
        if not sets:
            return {}
        found: dict[str, str] = {}
        for position in sorted(set.intersection(*sets), key=lambda p: len(self._keys[p])):
            for code, (_, _, title) in self._by_key[self._keys[position]].items():
                found.setdefault(code, title)
        return found

    def is_own_title(self, code: str, title: str) -> bool:
        """`title` is the occupation's own O*NET title (or its head before a comma), not
        one of the alternate or reported titles filed under it."""
        own = self._occupation_titles.get(code, "")
        return normalise(title) in {normalise(own), _singular(normalise(own)), normalise(own.partition(",")[0])}

    def _matches_for(self, key: str, score: float) -> list[Match]:
        # most-attested first, then the occupation's own title, then the base occupation
        # (".00") before its specialisations, then by code for a stable order
        entries = sorted(
            self._by_key[key].items(), key=lambda t: (-t[1][0], t[1][1], not t[0].endswith(".00"), t[0])
        )
        return [Match(code, self._occupation_titles.get(code, title), title, score) for code, (_, _, title) in entries]

    def _narrowed_by_workplace(self, whole: str, key: str) -> list[Match]:
        """"shift supervisor, night shifts in the distribution center": a title many
        occupations share (correctional officers, police, operations managers), read with
        the workplace the sentence names – the title with that workplace in front
        ("warehouse shift supervisor") when O*NET knows it. Empty when nothing narrows."""
        said = f" {whole} ".replace(f" {key} ", " ", 1)  # the workplace around the title, not in it ("plant manager")
        places = [place for place, words in _WORKPLACES if any(f" {w} " in said for w in words) and place not in key]
        head = key.split()[-1]
        for place in places:
            for candidate in (f"{place} {key}", f"{place} {head}"):
                for form in (candidate, _singular(candidate)):
                    if form in self._by_key:
                        return self._matches_for(form, 100.0)
        return []

    def resolve(self, text: str, limit: int = 3) -> Resolution:
        whole = normalise(text)
        phrase = title_phrase(text)
        key = normalise(phrase)
        if not key:
            return Resolution((), False)
        plain = " ".join(w for w in key.split() if w not in SENIORITY)
        everyday = _everyday_variants(key)
        # the whole text first: O*NET titles have commas ("Electronics Engineers, Except
        # Computer") that title_phrase would cut
        candidates = (whole, _singular(whole), key, _singular(key), plain, _singular(plain), *everyday)
        for candidate in dict.fromkeys(candidates):
            if candidate in self._by_key:
                exact = self._matches_for(candidate, 100.0)
                narrowed = self._narrowed_by_workplace(whole, candidate)
                # the workplace decides when the title alone is ambiguous, or one bare word
                # ("supervisor in a distribution center" is no social worker)
                if narrowed and (len(narrowed) < len(exact) or len(candidate.split()) == 1):
                    exact = narrowed
                return Resolution(tuple(exact[:limit]), confident=len(exact) == 1)
        if len(key.split()) == 1 and _singular(key) in self._title_words:
            # one generic word ("manager", "teacher"): every occupation named by it, the
            # shortest titles (the most general) first; never confident
            codes = sorted(self._title_words[_singular(key)], key=lambda c: (len(self._occupation_titles.get(c, "")), c))
            return Resolution(
                tuple(Match(c, self._occupation_titles.get(c, c), self._occupation_titles.get(c, c), 75.0) for c in codes[:limit]),
                confident=False,
            )
        found: list[tuple[str, float, int]] = []
        for candidate in dict.fromkeys((key, *everyday)):
            found = process.extract(
                _token_sorted(candidate), self._sorted_keys, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=MIN_SCORE
            )
            if found:
                break
        best: dict[str, Match] = {}
        for _, score, position in found:
            for match in self._matches_for(self._keys[position], float(score)):
                if match.code not in best or score > best[match.code].score:
                    best[match.code] = match
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.code))[:limit]
        confident = bool(ranked) and ranked[0].score >= CONFIDENT_SCORE and (
            len(ranked) == 1 or ranked[0].score - ranked[1].score >= CLEAR_MARGIN
        )
        return Resolution(tuple(ranked), confident)


@lru_cache(maxsize=1)
def _official_titles() -> dict[str, str]:
    from bot.careers import onet_files

    return {
        onet_files.required(r, "O*NET-SOC Code"): onet_files.required(r, "Title")
        for r in onet_files.read_table("Occupation Data")
    }


def occupation_title(code: object) -> str:
    """The O*NET title of a code, read from the shipped file (for summaries, which have
    no catalogue at hand)."""
    return _official_titles().get(str(code), str(code))
