"""The data key's command line (bot/storage/crypto.py holds the key ring itself).

    python -m bot.storage.datakey new-ring           # a fresh ring, on standard output
    python -m bot.storage.datakey rotate FILE        # a new current key, the old ones kept
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from bot.storage.crypto import DataKeyError, KeyRing, write_ring_file


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["new-ring"]:
        print(KeyRing.generate().format())
        return 0
    if len(args) == 2 and args[0] == "rotate":
        path = Path(args[1])
        try:
            rotated = KeyRing.parse(path.read_text(encoding="utf-8")).rotated()
        except (OSError, DataKeyError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        write_ring_file(path, rotated)
        print(f"New data key {rotated.current_id} in {path}: new writes use it from now on; the web server "
              "re-encrypts older rows in the background. Back up the file (docs/privacy.md).")
        return 0
    print("usage: python -m bot.storage.datakey new-ring | rotate FILE", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
