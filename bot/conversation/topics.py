"""Career topics: short answers to the career questions people really ask ("how do I ask
for a raise?"), from the project's catalogue (topics.yml beside this file), which an
employer can override or extend with its own policies and contacts.

The NLU recognises a topic as the retrieval intent `topic/<key>` (data/nlu/topics.yml);
the answers live here, not in the trained model, so an employer's file changes them
without retraining.

The employer's file (WAYPOINT_TOPICS_FILE, see docs/topics.md):

    company: Acme
    topics:
      raise:
        note: Acme reviews pay every April; ask your HR business partner.
        contact: hr-pay@acme.example
      leave:
        answer: ...   # replaces the built-in answer altogether
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

CATALOGUE_FILE = Path(__file__).with_name("topics.yml")
EXAMPLES_FILE = Path(__file__).resolve().parents[2] / "data" / "nlu" / "topics.yml"  # the topics' NLU examples
NEXT_KINDS = ("counseling", "counselor")
_OVERRIDE_FIELDS = {"answer", "note", "contact", "title"}


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    answer: str
    next: str  # "counseling": Waypoint's conversation helps; "counselor": it needs a person
    next_text: str
    company_rule: str | None = None  # where the employer's or the country's rules apply
    sources: tuple[str, ...] = ()
    note: str | None = None  # the employer's own words (policy, who to ask)
    contact: str | None = None


@dataclass(frozen=True)
class TopicCatalogue:
    topics: Mapping[str, Topic]
    company: str | None = None
    overridden: frozenset[str] = field(default_factory=frozenset)

    def get(self, key: str | None) -> Topic | None:
        if not key:
            return None
        return self.topics.get(key.removeprefix("topic/"))

    def keys(self) -> list[str]:
        return sorted(self.topics)

    def shares_words(self, key: str | None, text: str) -> bool:
        """The message has a word of the topic's own (its title or answer, beyond the words
        every topic uses): "remote work doesn't apply to warehouses" is not about starting a
        business, however the classifier ranks it."""
        topic = self.get(key)
        if topic is None:
            return False
        vocabulary = self._vocabulary().get(topic.key, frozenset())
        # "cert" is a short "certificate": one stem beginning the other counts
        return any(
            word in vocabulary or (len(word) >= 4 and any(v.startswith(word) or word.startswith(v) for v in vocabulary if len(v) >= 4))
            for word in _stems(text)
        )

    def _vocabulary(self) -> dict[str, frozenset[str]]:
        cached = _VOCABULARIES.get(id(self))
        if cached is None or cached[0] is not self:
            examples = _examples()
            words = {key: _stems(f"{topic.title} {examples.get(key, '')}") for key, topic in self.topics.items()}
            counts: dict[str, int] = {}
            for stems in words.values():
                for stem in stems:
                    counts[stem] = counts.get(stem, 0) + 1
            common = {stem for stem, n in counts.items() if n > max(2, len(words) // 4)}  # words of many topics say nothing
            # a topic's own title words stay its own ("interview" for interview preparation), however many share them
            own = {key: _stems(f"{topic.title} {key.replace('_', ' ')}") for key, topic in self.topics.items()}
            cached = (self, {key: frozenset((stems - common) | own[key]) for key, stems in words.items()})
            _VOCABULARIES[id(self)] = cached
        return cached[1]

    @classmethod
    def load(cls, overrides_file: str | Path | None = None, catalogue_file: str | Path = CATALOGUE_FILE) -> "TopicCatalogue":
        """The built-in catalogue with the employer's overrides applied. A wrong file stops
        with one line that says what is wrong and where."""
        topics = _read_catalogue(Path(catalogue_file))
        if overrides_file is None:
            return cls(topics)
        return apply_overrides(cls(topics), _read_yaml(Path(overrides_file), "WAYPOINT_TOPICS_FILE"))


_VOCABULARIES: dict[int, tuple["TopicCatalogue", dict[str, frozenset[str]]]] = {}
_WORD = re.compile(r"[a-z][a-z+#&]+|cv|hr|ai")
# Words of any topic's text that name nothing about what the topic is
_GENERIC = frozenset(
    "the and for you your with that this what when where which who how can could would should will not are was were "
    "have has had but from they them their there then than into about also just more most some any all one two "
    "ask say tell talk want need get make take give keep know think like well good best first next new own other "
    "work job jobs role roles career people person someone time way thing things help often usually many much "
    "does did doing done out over before after while still even very really only each every here "
    "matter matters change changes feel feels going something anything lot asked asking supposed apply dont don't "
    "though through told less left found happen ones exactly looking better always another based current great yourself "
    "check wrong actually maybe right".split()
)


def _examples() -> dict[str, str]:
    """What people type about each topic: the NLU examples of its retrieval intent."""
    try:
        data = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    except OSError:
        return {}
    return {
        str(entry["intent"]).removeprefix("topic/"): str(entry.get("examples") or "")
        for entry in data.get("nlu") or [] if str(entry.get("intent", "")).startswith("topic/")
    }


def _stems(text: str) -> set[str]:
    """Crude stems of the content words: their first six letters ("discriminated" and
    "discrimination" alike), so that a word matches its other forms."""
    words = _WORD.findall(text.casefold())
    return {
        (w[:-1] if w.endswith("s") and len(w) > 4 else w)[:6]
        for w in words if w not in _GENERIC and (len(w) >= 4 or w in ("cv", "ai", "pay", "tax", "mba"))
    }


def _read_yaml(path: Path, what: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{what}: cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{what}: {path} is not valid YAML ({type(error).__name__})") from None


def _text(entry: Mapping[str, Any], name: str, where: str, required: bool = True) -> str | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{name}' must be a non-empty text")
    return " ".join(value.split()) if name != "answer" else value.strip()


def _read_catalogue(path: Path) -> dict[str, Topic]:
    data = _read_yaml(path, "topic catalogue")
    entries = (data or {}).get("topics") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ValueError(f"topic catalogue {path}: no 'topics' mapping")
    topics: dict[str, Topic] = {}
    for key, entry in entries.items():
        where = f"topic catalogue, topic '{key}'"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping")
        next_kind = entry.get("next")
        if next_kind not in NEXT_KINDS:
            raise ValueError(f"{where}: 'next' must be one of {', '.join(NEXT_KINDS)}")
        sources = entry.get("sources") or []
        if not isinstance(sources, list) or not sources:
            raise ValueError(f"{where}: 'sources' must list at least one source")
        topics[str(key)] = Topic(
            key=str(key),
            title=_text(entry, "title", where) or "",
            answer=_text(entry, "answer", where) or "",
            next=next_kind,
            next_text=_text(entry, "next_text", where) or "",
            company_rule=_text(entry, "company_rule", where, required=False),
            sources=tuple(str(s) for s in sources),
        )
    return topics


def apply_overrides(catalogue: TopicCatalogue, data: Any) -> TopicCatalogue:
    """The employer's file over the built-in answers: `answer` replaces, `note` and
    `contact` are added after the answer, `title` renames."""
    where = "WAYPOINT_TOPICS_FILE"
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping with 'topics' (and optionally 'company')")
    unknown_top = set(data) - {"company", "topics"}
    if unknown_top:
        raise ValueError(f"{where}: unknown entries {', '.join(sorted(map(str, unknown_top)))} (expected 'company', 'topics')")
    company = data.get("company")
    if company is not None and (not isinstance(company, str) or not company.strip()):
        raise ValueError(f"{where}: 'company' must be a non-empty text")
    entries = data.get("topics") or {}
    if not isinstance(entries, dict):
        raise ValueError(f"{where}: 'topics' must map topic names to their changes")
    topics = dict(catalogue.topics)
    for key, entry in entries.items():
        spot = f"{where}, topic '{key}'"
        if key not in topics:
            raise ValueError(f"{spot}: unknown topic (known: {', '.join(sorted(topics))})")
        if not isinstance(entry, dict) or not entry:
            raise ValueError(f"{spot}: give at least one of {', '.join(sorted(_OVERRIDE_FIELDS))}")
        unknown = set(entry) - _OVERRIDE_FIELDS
        if unknown:
            raise ValueError(f"{spot}: unknown fields {', '.join(sorted(map(str, unknown)))} (allowed: {', '.join(sorted(_OVERRIDE_FIELDS))})")
        changes: dict[str, Any] = {name: _text(entry, name, spot) for name in entry}
        topics[key] = replace(topics[key], **changes)
    return TopicCatalogue(topics, company.strip() if isinstance(company, str) else None, frozenset(entries))


def topic_answer(topic: Topic, company: str | None = None) -> str:
    """The answer as the person reads it: the advice, where the employer's rules apply,
    the employer's own note and contact, and what Waypoint or a counselor can do next."""
    parts = [topic.answer]
    if topic.note:
        parts.append(f"At {company}: {topic.note}" if company else topic.note)
    elif topic.company_rule:
        parts.append(f"Your organisation's rules apply here: {topic.company_rule}")
    if topic.contact:
        parts.append(f"Who to ask: {topic.contact}")
    parts.append(topic.next_text)
    return "\n\n".join(parts)
