"""Builds Waypoint's own spaCy pipeline: `spacy.blank("en")`, English lemma lookups and an
entity ruler. Nothing is downloaded: the lookup tables come from the spacy-lookups-data
package, the ruler's patterns from the project's data.

    python -m bot.nlp_pipeline build/spacy/en_waypoint

The ruler finds three labels, all case-insensitively (phrase_matcher_attr LOWER):

* `term`       – glossary phrases (bot/conversation/glossary.py), id = the glossary key;
* `occupation` – O*NET occupation titles, alternate titles and reported job titles,
                 id = the O*NET-SOC code ("data scientist" -> "15-2051.00");
* `skill`      – O*NET Skills and Knowledge element names, id = the element id
                 ("programming" -> "2.B.3.e"), and technology examples
                 from Technology Skills, id = "tech:<Commodity Code>".

O*NET is read only through bot.careers.onet_files. The filters below keep out phrases
that would turn ordinary counselling sentences into false entities ("my manager",
"a former colleague", "generally speaking", "we had a Zoom call"); each list says why.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, cast

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.pipeline import SpanRuler
from spacy.tokenizer import Tokenizer

from bot.careers.onet_files import read_table, required
from bot.conversation.glossary import PHRASES

TERM, OCCUPATION, SKILL = "term", "occupation", "skill"

# Longer phrases are sentences or descriptions, not something a person types as a name.
MAX_TOKENS = 8
# A one-token pattern shorter than this ("C", "R", "Go", "MD", "PA", "RN") is too often
# an ordinary token, an abbreviation of something else or chat slang ("rn" = right now).
MIN_SINGLE_TOKEN_CHARS = 3
# A technology example needs this many occupations listing it, or O*NET's Hot Technology
# or In Demand flag, to become a pattern (see skill_patterns()).
MIN_TECH_OCCUPATIONS = 2

# --- occupations -----------------------------------------------------------------------

# Single words naming a position relative to the speaker, or too generic to name an
# occupation: "my manager", "my coach", "the owner", "our director", "a consultant".
# The multi-word titles containing them stay ("project manager", "career counselor").
GENERIC_ROLES = frozenset("""
    admin administrator adviser advisor advocate agent apprentice assistant associate boss
    buyer captain caregiver caretaker chief client coach colleague companion competitor
    consultant contractor coordinator counsel counselor customer delegate deputy director
    employee employer executive expert head helper host intern interviewer investor keeper
    landlady landlord lead leader lender maker manager member mentor novice observer
    officer operator organizer owner partner performer planner player president presenter
    principal professional representative resident reviewer scheduler specialist sponsor
    staff student substitute superior supervisor trainee vendor volunteer worker
""".split())

# Single-word titles (mostly old DOT-era alternate titles) whose everyday sense is not a
# job. Reviewed by hand over every one-word title in O*NET 29.3, in four groups:
# objects, machines and materials ("printer", "folder", "dishwasher", "sanitizer"),
_OBJECTS = """
    anchor app binder blazer bleacher blender blower boiler booster breaker buffer bumper
    burner caddy charger charter choker dampener chopper circulator clarifier classifier cleaver clicker
    clipper compensator compiler compressor conditioner connector converter cooker cooler
    counter cruiser crusher cutter dagger defroster degreaser deodorizer dialer digester
    disintegrator dishwasher divider drawer dresser drier dropper duplicator duster
    encoder enlarger equalizer evaporator excavator exerciser expander extruder fastener
    filler flipper flyer folder footer freezer fryer grinder hanger hardener header heater
    helicopter highlighter holder hydrator identifier jumper lather layer lifter linker
    liner loader locator magnifier marinator marker masher masticator mixer neutralizer
    normalizer opener pager planer planter plunger pointer poster precipitator printer
    processor projector puffer pulverizer purifier recorder rectifier reducer register
    renderer rickshaw router ruler sampler sanitizer saturator scanner scraper scrubber
    sealer selector separator server shaker shaver shredder sifter skimmer slicer slipper
    softener spanner spinner splitter sprayer spreader sprinkler stapler starter steamer
    sterilizer sticker stiffener stopper straightener strainer stretcher switcher tanker
    thinner tightener timer topper tracker trailer trimmer tuber tumbler tuner vaporizer
    toggler ventilator visualizer washer whitener wicker winder winterizer wiper wrapper
"""
# other word classes and idioms: adjectives and comparatives ("former", "general",
# "finer", "fuller", "orderly"), verbs ("cook", "judge", "guide", "tinker", "tamper"),
# and words living in set phrases ("late bloomer", "no-brainer", "top tier", "team
# player" – the hyphen splits "no-brainer" into tokens), plus generic nouns
# ("intelligence", "management", "surface", "river") and military hardware,
_OTHER_SENSES = """
    acoustic airborne baser bitter blacker blanker bloomer bluer brainer browner burning
    censor closer comic cook critic cropper curate cyber decker definer dispatch double
    doubler duller elder escort expo extra farming fatter finer flusher former fuller general
    getter grip guard guide guns gunnery hand intelligence jollier judge justice limber
    lookout management marine marshal mascot matcher mater medium mercenary model orderly
    page passer pilot pinker placer pounder prior prompter raiser rater reacher reader
    ringer riser river rougher scout seal seater sizer slicker smoother sourer springer
    stand-in stayer stirrer sublimer surface taker tamper taper teaser tender tenor tier
    timbering tinker tripper upsetter weapons welter wheeler whistler missiles
"""
# hobbies and leisure ("cyclist", "golfer", "gamer", "hiker" – interests come up in
# counselling, they are not occupations),
_HOBBIES = """
    bicyclist bodybuilder bowler boxer climber cyclist equestrian gambler gamer golfer
    hiker jogger motorcyclist parachutist rider rower runner skateboarder skater skier
    skydiver snowboarder surfer swimmer walker
"""
# and people in everyday, slang or figurative senses, family words, and surnames more
# common than the trade ("cooper", "turner", "mason").
_PEOPLE = """
    archer baller barker beamer beater bender blocker boarder bomber boomer brother buster
    caller carrier carver cat catcher chaser checker chipper cleaner clown collector
    cooper copper cowboy cracker digger dipper drifter driver faker feeder finisher fixer
    fletcher floater freak fundraiser gatherer gofer gopher grader gutter hitcher hooker
    hunter installer jammer juicer juror knocker lander lister logger mason mate messenger
    miller mover packer picker pitcher police puller pusher receiver responder ripper
    robber rocker roller rounder rover sander sawyer scaler scavenger scratcher screener
    setter sewer shaper sharpener shill shipper shooter shopper sister sitter slacker
    slasher slinger slugger smasher smoker snapper sniper soaker sorter sounder spotter
    stabber stacker stamper stoner striker stringer stripper stuffer sweeper tipper tosser
    tracer trooper tucker turner twister watcher webber wringer
"""
EVERYDAY_SENSE = frozenset((_OBJECTS + _OTHER_SENSES + _HOBBIES + _PEOPLE).split())

# Everyday phrases that are also (alternate) titles: "I'm a team member", "the pick up",
# "a second hand car", "my contact person", "it was a hot shot", "turn out".
GENERIC_TITLE_PHRASES = frozenset({
    "team member", "staff member", "crew member", "contact person", "key person",
    "research subject", "rock star", "movie star", "role player", "second hand",
    "third hand", "hot shot", "production line", "success partner",
})

# Acronyms are ambiguous by nature (PCT = percent, EST = a time zone, CMS = a content
# management system, PIC = a picture, SAD, SAT, HIS); only well-known job-title acronyms
# are kept as one-word occupations. Two-letter ones (RN, PA, MD) are too short anyway.
JOB_ACRONYMS = frozenset("""
    ceo cfo cto coo cio ciso cmo cno cpa cfa cfp cna emt lpn lvn crna aprn fnp pmhnp lcsw
    lmft lmhc lpc slp cota hha cma rdh dds dmd dvm dba evp
""".split())

# --- skills ----------------------------------------------------------------------------

# O*NET element names that are ordinary words in another sense: "generally speaking",
# "administrative work", "a mechanical problem". The multi-word elements all stay.
SKILL_STOP = frozenset({"speaking", "administrative", "mechanical"})

# One-word technology names that are ordinary English words (WordNet's index in
# spacy-lookups-data: "Slack", "Chef", "Swift", "Square", "Zoom", "React", "Blender",
# "Bootstrap", "Scheme") are dropped; these are kept because their technology sense is
# the one people mean when they talk about their skills.
# "Excel" is deliberately not kept: "I want to excel at my job" is ordinary career talk;
# "Microsoft Excel" is matched.
TECH_KEEP = frozenset({
    "python", "java", "docker", "git", "linux", "unix", "sas", "typescript", "prolog",
    "latex", "tableau", "asana", "selenium", "ajax", "prometheus", "azure", "android",
})
# Vendors whose products are named without them ("PowerPoint", "Photoshop", "AutoCAD", "Jira").
TECH_VENDORS = frozenset({
    "microsoft", "adobe", "autodesk", "atlassian", "intuit", "oracle", "ibm", "google",
    "apple", "amazon", "apache",
})
# One-word technology names that are first names or surnames ("my colleague Julia").
TECH_NAMES = frozenset({"julia", "travis", "abbott", "oberon", "delila", "mendel", "pascal", "ruby"})
# Platforms people mention as channels, not as skills: "I saw it on LinkedIn",
# "we had a Zoom call", "I googled it", "I looked it up on Salary.com".
TECH_PLATFORMS = frozenset({
    "google", "bing", "facebook", "instagram", "tiktok", "twitter", "linkedin", "whatsapp",
    "snapchat", "pinterest", "tumblr", "myspace", "youtube", "zoom", "skype", "facetime",
    "groupme", "paypal", "careerbuilder.com", "salary.com", "usps.com", "intelius",
})
# Product names made only of everyday words, reviewed by hand from the technology
# examples without a technical head word: "I'm in constant contact", "the front desk",
# "a private practice", "bargaining power", "adapt it".
TECH_EVERYDAY_NAMES = frozenset({
    "adapt it", "after the deadline", "bargaining power", "front desk", "private practice",
    "value analysis", "special agent", "site manager", "restaurant manager",
    "daily manager", "power structure", "financial competence", "common curriculum",
    "constant contact", "complete clinic", "contract central", "career zone",
    "career cruising", "clear books", "real edge", "real pro", "post once",
    "poll everywhere", "power and precision", "meals plus", "med math", "map maker",
    "measure square", "little piano", "silver peak", "survey sense", "power diary",
    "data frenzy", "the general store", "the retail solution", "campaign monitor",
    "shipping solutions", "win ce", "kitty hawk", "appointment search", "atlas search",
    "bid assistant", "agency master", "page markers", "client system", "chart links",
    "ear works", "central desktop", "quest central", "visual lease", "recruit wizard",
    "my clients plus", "oversight insights on demand", "relative values for physicians",
    "gateway to logic", "tailor master", "groom pro", "exact max",
})


@dataclass
class _Candidate:
    """A phrase seen in the data: its first spelling, and per id how often / how early."""

    text: str
    counts: Counter = field(default_factory=Counter)
    first: dict = field(default_factory=dict)

    def add(self, key: str, order: int) -> None:
        self.counts[key] += 1
        self.first.setdefault(key, order)


class _Collector:
    """Gathers phrases keyed by their lower-cased token sequence (what LOWER matches)."""

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        self.phrases: dict[str, _Candidate] = {}
        self.tokens: dict[str, int] = {}
        self._order = 0

    def add(self, text: str | None, key: str) -> None:
        text = " ".join((text or "").split())
        if not text:
            return
        doc = self.tokenizer(text)
        match_key = " ".join(t.lower_ for t in doc)
        candidate = self.phrases.setdefault(match_key, _Candidate(text))
        self.tokens[match_key] = len(doc)
        candidate.add(key, self._order)
        self._order += 1


def _usable(match_key: str, n_tokens: int) -> bool:
    """Filters shared by every O*NET pattern."""
    if not re.search(r"[a-z]", match_key) or not 1 <= n_tokens <= MAX_TOKENS:
        return False
    if n_tokens == 1 and (len(match_key) < MIN_SINGLE_TOKEN_CHARS or match_key in STOP_WORDS):
        return False
    return True


def _split_parenthetical(title: str) -> list[str]:
    """ "CEO (Chief Executive Officer)" -> ["CEO", "Chief Executive Officer"]: nobody types
    the brackets, and both halves are names of the job."""
    m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*(.*)", title)
    parts = [f"{m.group(1)} {m.group(3)}", m.group(2)] if m else [title]
    return [p.strip() for p in parts if p.strip() and "(" not in p and ")" not in p]


def _singular(title: str) -> str | None:
    """The singular of a simple plural O*NET title ("Data Scientists" -> "Data Scientist",
    "Actuaries" -> "Actuary", "Midwives" -> "Midwife"); None for titles with commas,
    connectives or a last word that is not a plural."""
    words = title.split()
    if not words or not all(re.fullmatch(r"[A-Z][A-Za-z-]*", w) for w in words) or "--" in title:
        return None
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("ives"):
        last = last[:-4] + "ife"
    elif last.endswith(("sses", "ches", "shes", "xes", "zes")):
        last = last[:-2]
    elif last.endswith("men"):
        last = last[:-3] + "man"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    else:
        return None
    return " ".join(words[:-1] + [last])


def _single_word_base(match_key: str) -> str:
    """The singular of a one-word plural ("models" -> "model") for the stop-lists."""
    singular = _singular(match_key.capitalize())
    return singular.lower() if singular else match_key


def occupation_patterns(tokenizer: Tokenizer) -> list[dict]:
    """One pattern per distinct phrase (case-insensitive) from Occupation Data (title and
    its singular), Alternate Titles (title and short title) and Sample of Reported Titles.

    A phrase that belongs to several codes gets exactly one, deterministically:
      1. the code whose own O*NET title it is (plural or singular form);
      2. else the code it is listed under most often (rows of Alternate Titles, its Short
         Title column included, and of Sample of Reported Titles);
      3. else (a tie) the code where it appears first, in file order (sorted by code).
    The app resolves the remaining ambiguity itself.
    """
    collector = _Collector(tokenizer)
    own: dict[str, str] = {}
    for row in read_table("Occupation Data"):
        code, title = required(row, "O*NET-SOC Code"), row["Title"] or ""
        if "All Other" in title:  # catch-all groups ("Managers, All Other"), not titles
            continue
        for form in filter(None, (title, _singular(title))):
            collector.add(form, code)
            own.setdefault(" ".join(t.lower_ for t in tokenizer(form)), code)
    for row in read_table("Alternate Titles"):
        for column in ("Alternate Title", "Short Title"):
            for part in _split_parenthetical(row[column] or ""):
                collector.add(part, required(row, "O*NET-SOC Code"))
    for row in read_table("Sample of Reported Titles"):
        for part in _split_parenthetical(row["Reported Job Title"] or ""):
            collector.add(part, required(row, "O*NET-SOC Code"))

    patterns = []
    for match_key, candidate in collector.phrases.items():
        n_tokens = collector.tokens[match_key]
        if not _usable(match_key, n_tokens) or match_key in GENERIC_TITLE_PHRASES:
            continue
        words = match_key.split()
        # "is manager", "him tech", "pick up", "turn out": a stop word at either end makes
        # a fragment of ordinary text. IT titles ("IT manager") are the one exception.
        if n_tokens > 1 and ((words[0] in STOP_WORDS and words[0] != "it") or words[-1] in STOP_WORDS):
            continue
        if n_tokens == 1:
            base = _single_word_base(match_key)
            if {match_key, base} & (GENERIC_ROLES | EVERYDAY_SENSE):
                continue
            if candidate.text.isupper() and match_key not in JOB_ACRONYMS:
                continue
        code = own.get(match_key) or min(
            candidate.counts, key=lambda c: (-candidate.counts[c], candidate.first[c])
        )
        patterns.append({"label": OCCUPATION, "pattern": candidate.text, "id": code})
    return patterns


def _english_words() -> tuple[set[str], dict]:
    """WordNet's noun/verb/adjective/adverb lemmas and the lemma lookup table, both from
    spacy-lookups-data (installed with the pipeline, no download)."""
    lookups = load_lookups("en", ["lemma_index", "lemma_lookup"])
    index = lookups.get_table("lemma_index")
    words = {w.lower() for pos in ("noun", "verb", "adj", "adv") for w in index[pos]}
    return words, lookups.get_table("lemma_lookup")


def _technology_names(example: str, popular: bool) -> list[str]:
    """A technology example and, for the popular ones (O*NET's Hot Technology or In Demand
    flag), the shorter names people use for them: "Structured query language SQL" -> also
    "SQL" (O*NET appends the acronym to a name); "Microsoft PowerPoint" -> also "PowerPoint"
    (products are named without their vendor). Only popular examples: the acronyms of
    niche products collide with ordinary words ("ETC", "HOA", "FAM", "DMS", "CARB") and
    niche products without their vendor are generic ("Data Guard", "Content Manager").
    The short names then go through the same filters as every other name."""
    names = [example]
    if not popular:
        return names
    words = example.split()
    last = words[-1] if words else ""
    if (
        len(words) >= 3
        and re.fullmatch(r"[A-Z][A-Z0-9]*[A-Z0-9+#]", last)
        and not re.fullmatch(r"[IVXLC]+", last)  # "CE SURVEYOR III": a version, not a name
    ):
        names.append(last)
    if len(words) >= 2 and words[0].lower() in TECH_VENDORS:
        names.append(" ".join(words[1:]))
    return names


def skill_patterns(tokenizer: Tokenizer) -> list[dict]:
    """O*NET Skills and Knowledge element names (id = element id; a name in both files,
    "Mathematics", keeps the Skills id), then technology examples used in at least
    MIN_TECH_OCCUPATIONS occupations or flagged Hot Technology / In Demand (id = "tech:" +
    the commodity code the example is listed under most often, first on a tie)."""
    elements = _Collector(tokenizer)
    for table in ("Skills", "Knowledge"):
        seen: set[str] = set()
        for row in read_table(table):
            element_id = required(row, "Element ID")
            if element_id not in seen:
                seen.add(element_id)
                elements.add(row["Element Name"], element_id)
    patterns = []
    for match_key, candidate in elements.phrases.items():
        if _usable(match_key, elements.tokens[match_key]) and match_key not in SKILL_STOP:
            element_id = min(candidate.first, key=candidate.first.__getitem__)  # Skills before Knowledge
            patterns.append({"label": SKILL, "pattern": candidate.text, "id": element_id})

    words, lemma = _english_words()
    rows = list(read_table("Technology Skills"))
    popular = {r["Example"] for r in rows if "Y" in (r["Hot Technology"], r["In Demand"])}
    # Products listed for a single occupation only are niche (6,100 of 8,775 examples:
    # "Aipotu", "AcuStaf", "Canu") and nobody's everyday vocabulary; leaving them out
    # saves ~0.4 s of load time and ~15 MB. Occupation titles are all kept – cutting
    # rarely listed ones would also cut new titles ("customer success manager").
    users = Counter(r["Example"] for r in {(r["Example"], r["O*NET-SOC Code"]): r for r in rows}.values())
    tech = _Collector(tokenizer)
    for row in rows:
        example = row["Example"] or ""
        if example in popular or users[example] >= MIN_TECH_OCCUPATIONS:
            for name in _technology_names(example, example in popular):
                tech.add(name, required(row, "Commodity Code"))
    for match_key, candidate in tech.phrases.items():
        n_tokens = tech.tokens[match_key]
        if not _usable(match_key, n_tokens) or match_key in TECH_EVERYDAY_NAMES:
            continue
        if n_tokens == 1 and match_key not in TECH_KEEP:
            if match_key in TECH_NAMES | TECH_PLATFORMS:
                continue
            if match_key in words or lemma.get(match_key, match_key) in words:
                continue
        commodity = min(candidate.counts, key=lambda c: (-candidate.counts[c], candidate.first[c]))
        patterns.append({"label": SKILL, "pattern": candidate.text, "id": f"tech:{commodity}"})
    return patterns


def term_patterns() -> list[dict]:
    return [
        {"label": TERM, "pattern": [{"LOWER": word} for word in phrase.split()], "id": key}
        for phrase, key in PHRASES
        if " " in phrase or key in ("smart",)  # single common words are left to DIET
    ]


def _dedupe(groups: Iterable[list[dict]], tokenizer: Tokenizer, reserved: set[str]) -> list[dict]:
    """Keeps the first pattern per lower-cased token sequence, in the order given, so a
    phrase has one label and one id (a tie between equally long matches of two labels
    would otherwise be decided by hash order). Glossary phrases are reserved for `term`.

    spaCy's tokenizer exceptions are case-sensitive ("U.S." and "Dr." are one token,
    "u.s." and "dr." are two), so where the lower-cased phrase splits differently it is
    added as well: "u.s. senator" matches like "U.S. Senator"."""
    seen = set(reserved)
    kept = []

    def key_of(text: str) -> tuple[str, int]:
        doc = tokenizer(text)
        return " ".join(t.lower_ for t in doc), len(doc)

    for group in groups:
        for pattern in group:
            key, _ = key_of(pattern["pattern"])
            if key in seen:  # taken by a glossary term or an earlier label
                continue
            seen.add(key)
            kept.append(pattern)
            lower = pattern["pattern"].lower()
            lower_key, n_tokens = key_of(lower)
            if lower_key not in seen and n_tokens <= MAX_TOKENS:
                seen.add(lower_key)
                kept.append({**pattern, "pattern": lower})
    return kept


def ruler_patterns(nlp: Language | None = None) -> list[dict]:
    """Entity-ruler patterns: glossary terms, then O*NET skills and occupations.

    Precedence for a phrase in several sources: term > skill element > occupation >
    technology example ("Blogger" and "Postman" are occupations before products).
    """
    tokenizer = (nlp or spacy.blank("en")).tokenizer
    skills = skill_patterns(tokenizer)
    elements = [p for p in skills if not p["id"].startswith("tech:")]
    technology = [p for p in skills if p["id"].startswith("tech:")]
    reserved = {" ".join(t.lower_ for t in tokenizer(phrase)) for phrase, _ in PHRASES}
    onet = _dedupe([elements, occupation_patterns(tokenizer), technology], tokenizer, reserved)
    return term_patterns() + onet


def build() -> Language:
    nlp = spacy.blank("en")
    # spaCy's span-ruler-based entity ruler ("future_entity_ruler", the entity ruler of
    # spaCy 4), under the usual name: same matching (longest match wins, LOWER phrases,
    # ids in ent.ent_id_), but it does not keep a Doc per phrase pattern after loading –
    # with ~57,000 O*NET patterns that is +140 MB RSS instead of +390 MB.
    # It comes first: spaCy runs the components before a ruler over every phrase pattern
    # when the pipeline is loaded, and the lemmatizer would add seconds for nothing. The
    # two components do not depend on each other.
    # spaCy types add_pipe() as returning any Pipe; this factory makes a SpanRuler.
    ruler = cast(
        SpanRuler, nlp.add_pipe("future_entity_ruler", name="entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    )
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma tables from spacy-lookups-data into the pipeline
    ruler.add_patterns(ruler_patterns(nlp))  # after initialize(), which resets the ruler
    nlp.meta["name"] = "waypoint"
    nlp.meta["description"] = (
        "Waypoint's own pipeline: blank English, lemma lookups, entity ruler "
        "(glossary terms; O*NET 29.3 occupations and skills, CC BY 4.0)"
    )
    return nlp


def main(target: str) -> None:
    nlp = build()
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    doc = spacy.load(path)("What is a dual ladder?")
    ruler = cast(SpanRuler, nlp.get_pipe("entity_ruler"))  # added by build() as a SpanRuler
    counts = Counter(p["label"] for p in ruler.patterns)
    print(
        f"spaCy pipeline written to {path}: {nlp.pipe_names}; patterns {dict(counts)}; "
        f"entities {[(e.text, e.label_) for e in doc.ents]}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/spacy/en_waypoint")
