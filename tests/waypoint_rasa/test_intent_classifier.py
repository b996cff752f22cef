"""The intent and topic classifier as Rasa runs it: trained, stored, loaded, predicting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from waypoint_rasa.intent_classifier import SentenceClassifier

EXAMPLES = {
    "greet": ["hi", "hello there", "hey", "good morning", "hiya"],
    "request_human": ["talk to a person", "can i speak to a counselor", "i want a human", "get me a real person", "connect me to someone"],
    "inform": ["Sales", "outbound logistics", "about 3 years", "team lead in the warehouse", "I like solving problems"],
}
TOPICS = {
    "raise": ["how do i ask for a raise", "tips for asking for more money", "can i get a pay rise", "my salary is too low", "how to negotiate pay"],
    "cv": ["can you check my cv", "how do i write a resume", "what goes on a cv", "resume tips", "how long should my cv be"],
}


def training_data() -> TrainingData:
    messages = [Message(data={"text": t, "intent": intent}) for intent, texts in EXAMPLES.items() for t in texts]
    messages += [
        Message(data={"text": t, "intent": "topic", "intent_response_key": f"topic/{key}"}) for key, texts in TOPICS.items() for t in texts
    ]
    return TrainingData(training_examples=messages)


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture()
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


@pytest.fixture()
def trained(storage, context) -> tuple[SentenceClassifier, Resource]:
    resource = Resource("sentence_classifier")
    classifier = SentenceClassifier.create({**SentenceClassifier.get_default_config(), "char_min_df": 1}, storage, resource, context)
    classifier.train(training_data())
    return classifier, resource


def parse(classifier: SentenceClassifier, text: str) -> dict:
    message = Message(data={"text": text})
    classifier.process([message])
    return message.as_dict_nlu()


def test_an_intent_with_its_ranking(trained):
    classifier, _ = trained
    parsed = parse(classifier, "could I talk to a counsellor please")
    assert parsed["intent"]["name"] == "request_human"
    ranking = parsed["intent_ranking"]
    assert [r["name"] for r in ranking][0] == "request_human" and len(ranking) == 4  # greet, request_human, inform, topic
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0, abs=1e-5)


def test_a_career_topic_is_the_topic_intent_and_the_selector_names_which(trained):
    classifier, _ = trained
    parsed = parse(classifier, "how can I get paid more")
    assert parsed["intent"]["name"] == "topic"
    selected = parsed["response_selector"]["topic"]
    assert selected["response"]["intent_response_key"] == "topic/raise"
    assert [r["intent_response_key"] for r in selected["ranking"]] == ["topic/raise", "topic/cv"]
    assert sum(r["confidence"] for r in selected["ranking"]) == pytest.approx(1.0, abs=1e-5)  # among topics only
    assert parsed["response_selector"]["all_retrieval_intents"] == ["topic"]


def test_a_stored_model_loads_without_pickle_and_predicts_the_same(trained, storage, context):
    classifier, resource = trained
    with storage.read_from(resource) as directory:
        assert sorted(p.name for p in directory.iterdir()) == ["model.npz", "vocabulary.json"]
        assert json.loads((directory / "vocabulary.json").read_text())["labels"] == ["greet", "inform", "request_human", "topic/cv", "topic/raise"]
    loaded = SentenceClassifier.load(SentenceClassifier.get_default_config(), storage, resource, context)
    texts = ["hello", "resume help", "warehouse", "person please"]
    assert np.allclose(loaded.probabilities(texts), classifier.probabilities(texts), atol=1e-6)


def test_an_untrained_model_leaves_messages_alone(storage, context):
    missing = SentenceClassifier.load(SentenceClassifier.get_default_config(), storage, Resource("never_trained"), context)
    message = Message(data={"text": "hi"})
    missing.process([message])
    assert message.get("intent") is None
