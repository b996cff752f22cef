"""The held-out set stays apart from the training data: no held-out message is a
training example, word for word or nearly (character n-grams)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from bot.conversation.stages import QUESTIONS
from bot.conversation.topics import TopicCatalogue
from bot.conversation.understand import KIND_OF_INTENT
from tests.heldout.data import HELDOUT_SETS, heldout_rows, normalised, training_examples

# Share of character 3-grams two texts have in common (Jaccard) from which they count as
# the same sentence with a typo or two.
NEAR = 0.85
KINDS = {kind.value for kind in KIND_OF_INTENT.values()} | {"topic"}


def near_duplicates(heldout: list[str], training: list[str], threshold: float = NEAR) -> list[tuple[str, str, float]]:
    vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(3, 3), binary=True)
    vectorizer.fit(heldout + training)
    a = vectorizer.transform(heldout)
    b = vectorizer.transform(training)
    common = (a @ b.T).toarray()
    sizes_a = np.asarray(a.sum(axis=1)).ravel()
    sizes_b = np.asarray(b.sum(axis=1)).ravel()
    union = sizes_a[:, None] + sizes_b[None, :] - common
    jaccard = np.divide(common, union, out=np.zeros_like(common, dtype=float), where=union > 0)
    found = []
    for i, j in zip(*np.nonzero(jaccard >= threshold)):
        found.append((heldout[i], training[j], float(jaccard[i, j])))
    return found


SETS = pytest.mark.parametrize("path", list(HELDOUT_SETS.values()), ids=list(HELDOUT_SETS))


@SETS
def test_no_heldout_message_is_a_training_example(path: Path) -> None:
    training = {normalised(text) for _, text in training_examples()}
    same = [row.text for row in heldout_rows(path) if normalised(row.text) in training]
    assert same == []


@SETS
def test_no_heldout_message_nearly_equals_a_training_example(path: Path) -> None:
    heldout = sorted({normalised(row.text) for row in heldout_rows(path)})
    training = sorted({normalised(text) for _, text in training_examples()})
    assert near_duplicates(heldout, training) == []


def test_the_near_duplicate_check_catches_typos_and_reordered_punctuation() -> None:
    found = near_duplicates(["how do i ask my boss for a raise"], ["how do i ask my bos for a raise", "where is the canteen"])
    assert [(h, t) for h, t, _ in found] == [("how do i ask my boss for a raise", "how do i ask my bos for a raise")]


@SETS
def test_rows_use_known_questions_kinds_intents_and_topics(path: Path) -> None:
    topics = set(TopicCatalogue.load().topics)
    for row in heldout_rows(path):
        assert row.open is None or row.open in QUESTIONS, row
        assert row.kind in KINDS, row
        if row.intent.startswith("topic/"):
            assert row.intent.removeprefix("topic/") in topics, row
        else:
            assert row.intent in KIND_OF_INTENT, row


def test_the_set_is_large_enough_and_covers_forum_questions() -> None:
    rows = heldout_rows()
    assert len(rows) >= 800
    assert sum(row.forum for row in rows) >= 150
    topics = {row.intent for row in rows if row.kind == "topic"}
    assert topics == {f"topic/{key}" for key in TopicCatalogue.load().topics}


def test_the_second_set_measures_crisis_distress_false_alarms_and_forum_questions() -> None:
    rows = heldout_rows(HELDOUT_SETS["second"])
    kinds = {kind: sum(row.kind == kind for row in rows) for kind in ("crisis", "distress", "answer")}
    assert kinds == {"crisis": 80, "distress": 30, "answer": 40}
    assert sum(row.forum for row in rows) >= 150


def test_the_third_set_measures_crisis_distress_and_false_alarms() -> None:
    rows = heldout_rows(HELDOUT_SETS["third"])
    kinds = {kind: sum(row.kind == kind for row in rows) for kind in ("crisis", "distress", "answer", "topic")}
    assert kinds == {"crisis": 100, "distress": 30, "answer": 60, "topic": 20}


def test_the_fifth_set_measures_crisis_false_alarms_requests_and_out_of_scope() -> None:
    rows = heldout_rows(HELDOUT_SETS["fifth"])
    kinds = {kind: sum(row.kind == kind for row in rows) for kind in ("crisis", "distress", "answer", "request", "out_of_scope")}
    assert kinds == {"crisis": 109, "distress": 29, "answer": 110, "request": 23, "out_of_scope": 22}
