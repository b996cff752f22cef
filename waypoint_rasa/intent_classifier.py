"""Waypoint's intent and career-topic classifier: one linear model over word and character
TF-IDF and a sentence encoder's embedding.

Why not DIET and the ResponseSelector: on the held-out messages (make eval) they reached a
macro F1 of 0.77 and took ~7 minutes to train; this model generalises to phrasings it was
never shown because the embedding (all-MiniLM-L6-v2, waypoint_rasa/sentence_encoder.py)
places paraphrases close together, while the n-grams keep exact wording, typos and short
replies. Docs: docs/speed-and-models.md.

Career topics are labels of their own (`topic/raise`), learnt together with the intents.
The output is what Rasa's own components give: `intent` is `topic` (its confidence the sum
over all topics) and the `response_selector` entry names the topic, ranked among topics
only – the turn core reads both (actions/turn.py `nlu_of`).

The trained model is stored as plain arrays and JSON (no pickle): loading a model file
runs no code from it.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from waypoint_rasa.sentence_encoder import shared_encoder

logger = logging.getLogger(__name__)

RETRIEVAL_INTENT = "topic"
RANKING_LENGTH = 10
# One message's matrices are small: a second BLAS thread saves ~3 ms of wall time and costs
# ~7 ms of CPU per message, which the other conversations of a busy server need (make bench).
_BLAS = ThreadpoolController()


def _word_vectorizer(**fitted: Any) -> TfidfVectorizer:
    # single letters count ("i", "a"): short replies are made of them
    return TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True, lowercase=True, **fitted)


def _char_vectorizer(**fitted: Any) -> TfidfVectorizer:
    # characters within words: typos and unseen word forms ("mangement") still match
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True, **fitted)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SentenceClassifier(IntentClassifier, GraphComponent):
    """Intents and career topics from TF-IDF n-grams and a sentence embedding."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Inverse regularisation strength, chosen by 5-fold cross-validation on the
            # training data (never on the held-out set): docs/speed-and-models.md.
            "C": 10.0,
            # Weight of the embedding against the two unit-length TF-IDF blocks.
            "embedding_weight": 2.0,
            # Char n-grams seen in fewer examples than this are noise.
            "char_min_df": 2,
            "max_iter": 3000,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        # import names that are also distribution names (Rasa fingerprints their versions);
        # the model package is pinned in requirements and checked by the encoder
        return ["tokenizers", "safetensors"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._word: Optional[TfidfVectorizer] = None
        self._char: Optional[TfidfVectorizer] = None
        self._labels: List[str] = []
        self._coef: Optional[np.ndarray] = None
        self._intercept: Optional[np.ndarray] = None
        self._weights: Optional[np.ndarray] = None

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "SentenceClassifier":
        return cls(config, model_storage, resource)

    # ---- training ------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if not examples:
            logger.debug("No intent examples: %s is not trained.", type(self).__name__)
            return self._resource
        texts = [str(e.get(TEXT)) for e in examples]
        labels = [str(e.get(INTENT_RESPONSE_KEY) or e.get(INTENT)) for e in examples]
        self._word = _word_vectorizer()
        self._char = _char_vectorizer(min_df=int(self.config["char_min_df"]))
        features = hstack(
            [self._word.fit_transform(texts), self._char.fit_transform(texts), self._embedding(texts)]
        ).tocsr()
        # balanced: the few examples of a rare request count as much as the many answers
        model = LogisticRegression(
            C=float(self.config["C"]), max_iter=int(self.config["max_iter"]), class_weight="balanced", random_state=1
        )
        model.fit(features, labels)
        self._labels = [str(label) for label in model.classes_]
        self._coef = model.coef_.astype(np.float32)
        self._intercept = model.intercept_.astype(np.float32)
        self._weights = _weights(self._coef)
        self.persist()
        return self._resource

    def _embedding(self, texts: List[str]) -> csr_matrix:
        return csr_matrix(shared_encoder().encode(texts) * float(self.config["embedding_weight"]))

    # ---- prediction ----------------------------------------------------------------------

    def probabilities(self, texts: List[str]) -> np.ndarray:
        """One row per text: the probability of each label in `labels`."""
        assert self._word is not None and self._char is not None and self._weights is not None and self._intercept is not None
        features = hstack([self._word.transform(texts), self._char.transform(texts), self._embedding(texts)]).tocsr()
        scores = np.asarray(features @ self._weights) + self._intercept
        scores -= scores.max(axis=1, keepdims=True)
        odds = np.exp(scores)
        return odds / odds.sum(axis=1, keepdims=True)

    @property
    def labels(self) -> List[str]:
        return list(self._labels)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._coef is None:
            return messages
        texts = [str(m.get(TEXT) or "") for m in messages]
        with _BLAS.limit(limits=1, user_api="blas"):
            rows = self.probabilities(texts)
        for message, row in zip(messages, rows):
            self._set_prediction(message, row)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _set_prediction(self, message: Message, row: np.ndarray) -> None:
        intents: Dict[str, float] = {}
        topics: Dict[str, float] = {}
        for label, probability in zip(self._labels, row.tolist()):
            if label.startswith(RETRIEVAL_INTENT + "/"):
                topics[label] = probability
                intents[RETRIEVAL_INTENT] = intents.get(RETRIEVAL_INTENT, 0.0) + probability
            else:
                intents[label] = probability
        ranking = sorted(({"name": k, "confidence": v} for k, v in intents.items()), key=lambda r: -r["confidence"])
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set("intent_ranking", ranking[:RANKING_LENGTH], add_to_output=True)
        if topics:
            total = sum(topics.values()) or 1.0
            # ranked among topics only, as Rasa's ResponseSelector does
            topic_ranking = sorted(
                ({"intent_response_key": k, "confidence": v / total} for k, v in topics.items()),
                key=lambda r: -r["confidence"],
            )[:RANKING_LENGTH]
            best = topic_ranking[0]
            message.set(
                "response_selector",
                {
                    "all_retrieval_intents": [RETRIEVAL_INTENT],
                    RETRIEVAL_INTENT: {
                        "response": {
                            "responses": [],  # the answers live in the topic catalogue (bot/conversation/topics.yml)
                            "confidence": best["confidence"],
                            "intent_response_key": best["intent_response_key"],
                            "utter_action": "utter_" + best["intent_response_key"],
                        },
                        "ranking": topic_ranking,
                    },
                },
                add_to_output=True,
            )

    # ---- storage -------------------------------------------------------------------------

    def persist(self) -> None:
        assert self._word is not None and self._char is not None and self._coef is not None and self._intercept is not None
        with self._model_storage.write_to(self._resource) as directory:
            np.savez_compressed(
                directory / "model.npz",
                coef=self._coef,
                intercept=self._intercept,
                word_idf=self._word.idf_.astype(np.float32),
                char_idf=self._char.idf_.astype(np.float32),
            )
            (directory / "vocabulary.json").write_text(
                json.dumps(
                    {
                        "labels": self._labels,
                        "word": {k: int(v) for k, v in self._word.vocabulary_.items()},
                        "char": {k: int(v) for k, v in self._char.vocabulary_.items()},
                    }
                ),
                encoding="utf-8",
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SentenceClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / "model.npz", allow_pickle=False)
                vocabulary = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in the model: it predicts nothing.", cls.__name__)
            return component
        component._labels = list(vocabulary["labels"])
        component._coef = arrays["coef"]
        component._weights = _weights(component._coef)
        component._intercept = arrays["intercept"]
        component._word = _fitted(_word_vectorizer(vocabulary=vocabulary["word"]), arrays["word_idf"])
        component._char = _fitted(_char_vectorizer(vocabulary=vocabulary["char"]), arrays["char_idf"])
        shared_encoder()  # load the weights now, not on the first message
        return component


def _weights(coef: np.ndarray) -> np.ndarray:
    """The coefficients as the sparse product reads them: one row per feature, contiguous, in
    the features' float64. Multiplying by `coef.T` made scipy copy and widen the whole matrix
    (75 labels × 43,000 features) for every message – 13 % of the Rasa server's CPU."""
    return np.ascontiguousarray(coef.T, dtype=np.float64)


def _fitted(vectorizer: TfidfVectorizer, idf: np.ndarray) -> TfidfVectorizer:
    """A vectorizer with a fixed vocabulary and the idf weights it was trained with."""
    vectorizer.idf_ = idf.astype(np.float64)
    return vectorizer
