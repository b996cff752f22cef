"""The common English words, to tell an English message from one in a language the bot
cannot read that is written in the Latin script too ("ayoko na talaga mabuhay", "szef mi
grozi że mnie pobije"): such a message must not be stored as an answer, whatever it says.

The list is built once by `make` from the word probabilities that the spacy-lookups-data
package ships (a large English web corpus), so nothing is downloaded:

    python -m bot.conversation.english_words build/english_words.txt

A word is common when its log probability is at least COMMON: slang and misspellings
people really type ("idk", "yrs", "teh", "recieve") are above it, while the words of other
languages that also occur in English web text ("mujhe", "trabaho", "mnie") are below it.
"""

from __future__ import annotations

import gzip
import json
import sys
from functools import cache
from importlib import resources
from pathlib import Path

WORDS_FILE = Path(__file__).resolve().parents[2] / "build" / "english_words.txt"
COMMON = -14.0


def common_words(probabilities: dict[str, float], threshold: float = COMMON) -> list[str]:
    # one word per line, compared in lower case; the table's entries with spaces are not words
    return sorted({word.lower() for word, probability in probabilities.items() if probability >= threshold and word.split() == [word]})


@cache
def english_words(path: Path = WORDS_FILE) -> frozenset[str]:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: `make setup` builds it (python -m bot.conversation.english_words {path})")
    return frozenset(path.read_text(encoding="utf-8").split())


def main(target: str) -> None:
    table = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(str(table), "rt", encoding="utf-8") as source:
        words = common_words(json.load(source))
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} common English words -> {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(WORDS_FILE))
