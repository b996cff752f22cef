"""A terminal chat with a running Waypoint over the REST channel (`make shell`).

Buttons are shown numbered; type the number to press one.
"""

from __future__ import annotations

import json
import sys
import urllib.request
import uuid

URL = "http://localhost:5005/webhooks/rest/webhook"


def send(sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(URL, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main() -> None:
    sender = sys.argv[1] if len(sys.argv) > 1 else f"shell-{uuid.uuid4().hex[:8]}"
    print(f"Talking to Waypoint as '{sender}'. Ctrl-D or Ctrl-C to leave.")
    buttons: list[dict] = []
    try:
        while True:
            text = input("You: ").strip()
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            try:
                replies = send(sender, text)
            except OSError as error:
                print(f"Waypoint is not reachable at {URL} ({error}). Is `make run` running?")
                continue
            buttons = []
            for reply in replies:
                if reply.get("text"):
                    print("Waypoint:", reply["text"])
                for button in reply.get("buttons") or []:
                    buttons.append(button)
                    print(f"   [{len(buttons)}] {button['title']}")
    except (EOFError, KeyboardInterrupt):
        print()


if __name__ == "__main__":
    main()
