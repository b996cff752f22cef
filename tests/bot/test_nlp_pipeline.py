"""bot.nlp_pipeline: the entity ruler finds glossary terms, O*NET occupations and skills.

The pipeline is built once for the module (about 20 s) and loaded back from disk, the way
Rasa's SpacyNLP loads it.
"""

from __future__ import annotations

import re

import pytest
import spacy

from bot.nlp_pipeline import MAX_TOKENS, build


@pytest.fixture(scope="module")
def pipeline_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("spacy") / "en_waypoint"
    build().to_disk(path)
    return path


@pytest.fixture(scope="module")
def nlp(pipeline_path):
    return spacy.load(pipeline_path)


@pytest.fixture(scope="module")
def patterns(nlp) -> list[dict]:
    return nlp.get_pipe("entity_ruler").patterns


def entities(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm a data scientist at a bank", [("data scientist", "occupation", "15-2051.00")]),
        ("I AM A DATA SCIENTIST", [("DATA SCIENTIST", "occupation", "15-2051.00")]),
        ("I work as a registered nurse", [("registered nurse", "occupation", "29-1141.00")]),
        (
            "I want to get better at critical thinking and Python",
            [("critical thinking", "skill", "2.A.2.a"), ("Python", "skill", "tech:43232405")],
        ),
        (
            "I know SQL and Microsoft Excel",
            [("SQL", "skill", "tech:43232306"), ("Microsoft Excel", "skill", "tech:43232110")],
        ),
        ("Programming and mathematics", [("Programming", "skill", "2.B.3.e"), ("mathematics", "skill", "2.A.1.e")]),
        ("What is a dual ladder?", [("dual ladder", "term", "dual_ladder")]),
    ],
)
def test_sentences_give_entities_with_ids(nlp, text, expected):
    assert entities(nlp, text) == expected


def test_my_manager_is_no_occupation_and_the_term_stays(nlp):
    found = entities(nlp, "My manager asked me: what is a dual ladder?")
    assert found == [("dual ladder", "term", "dual_ladder")]


@pytest.mark.parametrize(
    "text",
    [
        "My supervisor and my boss want me to lead the team.",
        "I'm a team player and a late bloomer, it's a no-brainer.",
        "Generally speaking I want to excel in my former role.",
        "I use Word, Outlook, Teams and Slack, and we meet on Zoom.",
        "My partner is the owner of a small company; the director is leaving.",
        "It's hard to judge; I'm the main driver of this project.",
        "I love cooking and I'm a keen cyclist.",
    ],
)
def test_ordinary_counselling_sentences_give_no_occupation_or_skill(nlp, text):
    assert [e for e in entities(nlp, text) if e[1] != "term"] == []


def test_multi_word_titles_with_generic_heads_are_found(nlp):
    found = entities(nlp, "My project manager was a software engineer")
    assert [(text, label) for text, label, _ in found] == [
        ("project manager", "occupation"),
        ("software engineer", "occupation"),
    ]


def test_patterns_are_filtered(patterns):
    phrases = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
    lowered = {p.lower() for p in phrases}
    for word in ("manager", "supervisor", "owner", "lead", "c", "r", "go", "word", "access", "outlook", "excel"):
        assert word not in lowered, word
    for phrase in ("data scientist", "registered nurse", "critical thinking", "python", "sql", "microsoft excel"):
        assert phrase in lowered, phrase
    nlp = spacy.blank("en")
    assert max(len(nlp.tokenizer(p)) for p in phrases) <= MAX_TOKENS


def test_abbreviations_match_in_any_case(nlp):
    for text in ("I'm a U.S. Senator", "i'm a u.s. senator"):
        assert [(e.label_, e.ent_id_) for e in nlp(text).ents] == [("occupation", "11-1031.00")]


def test_every_pattern_has_a_well_formed_id(patterns):
    labels = {p["label"] for p in patterns}
    assert labels == {"term", "occupation", "skill"}
    for p in patterns:
        if p["label"] == "occupation":
            assert re.fullmatch(r"\d{2}-\d{4}\.\d{2}", p["id"]), p
        elif p["label"] == "skill":
            assert re.fullmatch(r"2\.[BC](\.\d+)*(\.[a-z])*|2\.A\.\d\.[a-z]|tech:\d{8}", p["id"]), p


def test_a_phrase_has_one_label_and_one_id(patterns):
    nlp = spacy.blank("en")
    keys = [
        " ".join(t.lower_ for t in nlp.tokenizer(p["pattern"]))
        for p in patterns
        if isinstance(p["pattern"], str)
    ]
    assert len(keys) == len(set(keys))


def test_rasa_components_extract_occupations_and_skills(pipeline_path, tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message

    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")

    def create(component, name, config):
        return component.create({**component.get_default_config(), **config}, storage, Resource(name), context)

    spacy_nlp = create(SpacyNLP, "nlp", {"model": str(pipeline_path), "case_sensitive": False})
    tokenizer = create(SpacyTokenizer, "tokenizer", {})
    extractor = create(SpacyEntityExtractor, "extractor", {"dimensions": ["term", "occupation", "skill"]})
    model = spacy_nlp.provide()

    message = Message(data={TEXT: "I'm a data scientist and want to learn SQL. What is a dual ladder?"})
    messages = spacy_nlp.process([message], model)
    messages = tokenizer.process(messages)
    messages = extractor.process(messages, model)

    found = [(e["entity"], e["value"]) for e in messages[0].get(ENTITIES)]
    assert found == [("occupation", "data scientist"), ("skill", "SQL"), ("term", "dual ladder")]
    assert all(e["extractor"] == "SpacyEntityExtractor" for e in messages[0].get(ENTITIES))
