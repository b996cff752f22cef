"""Builds Waypoint's own spaCy pipeline: `spacy.blank("en")`, English lemma lookups and an
entity ruler. Nothing is downloaded: the lookup tables come from the spacy-lookups-data
package, the ruler's patterns from the project's data.

    python -m bot.nlp_pipeline build/spacy/en_waypoint
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.glossary import PHRASES


def ruler_patterns() -> list[dict]:
    """Entity-ruler patterns. The career-database issue adds occupations and skills."""
    return [
        {"label": "term", "pattern": [{"LOWER": word} for word in phrase.split()], "id": key}
        for phrase, key in PHRASES
        if " " in phrase or key in ("smart",)  # single common words are left to DIET
    ]


def build() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lemma tables from spacy-lookups-data into the pipeline
    ruler.add_patterns(ruler_patterns())  # after initialize(), which resets the ruler
    nlp.meta["name"] = "waypoint"
    nlp.meta["description"] = "Waypoint's own pipeline: blank English, lemma lookups, entity ruler"
    return nlp


def main(target: str) -> None:
    nlp = build()
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    doc = spacy.load(path)("What is a dual ladder?")
    print(f"spaCy pipeline written to {path}: {nlp.pipe_names}; entities {[(e.text, e.label_) for e in doc.ents]}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/spacy/en_waypoint")
