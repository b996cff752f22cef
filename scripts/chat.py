"""A terminal chat with a running Waypoint over the REST channel (`make shell`).

Buttons are shown numbered; type the number to press one. Messages that arrive on their
own – a counselor's replies – are fetched from the REST channel's inbox every 2 seconds.
With WAYPOINT_REST_TOKEN set, every request carries it (without, REST answers only localhost).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from bot.config import Settings

URL = "http://localhost:5005/webhooks/rest/webhook"
INBOX = "http://localhost:5005/webhooks/rest/inbox"


def send(sender: str, message: str, headers: dict[str, str]) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(URL, body, {"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        # "I can't save right now" comes with 503 (the database or Redis out of reach): say it
        try:
            answer = json.loads(error.read() or b"null")
        except ValueError:
            raise error from None
        if isinstance(answer, list):
            return answer
        if isinstance(answer, dict) and answer.get("error"):
            return [{"text": f"({answer['error']})"}]
        raise


def show(replies: list[dict], buttons: list[dict]) -> None:
    for reply in replies:
        if reply.get("text"):
            print("Waypoint:", reply["text"])
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"   [{len(buttons)}] {button['title']}")


def watch_inbox(sender: str, buttons: list[dict], headers: dict[str, str]) -> None:
    query = urllib.parse.urlencode({"sender": sender})
    while True:
        time.sleep(2)
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{INBOX}?{query}", headers=headers), timeout=10) as response:
                replies = json.load(response)
        except OSError:
            continue
        if replies:
            print()
            show(replies, buttons)
            print("You: ", end="", flush=True)


def main() -> None:
    sender = sys.argv[1] if len(sys.argv) > 1 else f"shell-{uuid.uuid4().hex[:8]}"
    print(f"Talking to Waypoint as '{sender}'. Ctrl-D or Ctrl-C to leave.")
    token = Settings.from_env().rest_token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    buttons: list[dict] = []
    threading.Thread(target=watch_inbox, args=(sender, buttons, headers), daemon=True).start()
    try:
        while True:
            text = input("You: ").strip()
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            try:
                replies = send(sender, text, headers)
            except OSError as error:
                print(f"Waypoint is not reachable at {URL} ({error}). Is `make run` running?")
                continue
            buttons.clear()
            show(replies, buttons)
    except (EOFError, KeyboardInterrupt):
        print()


if __name__ == "__main__":
    main()
