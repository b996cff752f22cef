"""The numpy sentence encoder: meaning, not wording, and the same vector however it is batched."""

from __future__ import annotations

import numpy as np
import pytest

from waypoint_rasa.sentence_encoder import DIMENSIONS, shared_encoder


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


def test_paraphrases_are_closer_than_unrelated_messages(encoder):
    raise_, negotiate, weather, person, bot = encoder.encode([
        "how do I ask my boss for a raise",
        "tips for negotiating a higher salary",
        "what is the weather tomorrow",
        "can I talk to a real person",
        "need to chat with someone, not a bot",
    ])
    assert raise_ @ negotiate > 0.35 > raise_ @ weather + 0.2
    assert person @ bot > person @ weather + 0.2


def test_vectors_have_unit_length_and_do_not_depend_on_the_batch(encoder):
    alone = encoder.encode(["hello there"])
    batched = encoder.encode(["a much longer sentence that makes the batch pad the short one", "hello there"])
    assert alone.shape == (1, DIMENSIONS)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone[0], batched[1], atol=1e-5)  # padding is masked out


def test_no_text_gives_no_rows_and_typos_or_another_script_still_encode(encoder):
    assert encoder.encode([]).shape == (0, DIMENSIONS)
    vectors = encoder.encode(["", "mangement positon", "销售部"])
    assert vectors.shape == (3, DIMENSIONS) and np.isfinite(vectors).all()


def test_recurring_short_replies_are_remembered_up_to_a_bound(encoder, monkeypatch):
    import waypoint_rasa.sentence_encoder as module

    monkeypatch.setattr(module, "CACHE_SIZE", 2)
    first = encoder.encode(["yes"])[0]
    assert encoder.encode(["yes"])[0] is not None and np.array_equal(encoder.encode(["yes"])[0], first)
    assert np.allclose(first, encoder.encode(["yes", "no"])[0], atol=1e-5)  # as computed in a batch
    encoder.encode(["skip"]), encoder.encode(["2"]), encoder.encode(["none"])
    assert len(encoder._cache) == 2 and "yes" not in encoder._cache
