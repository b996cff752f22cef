"""How a counselor's message is shown: plain text for every channel, its own bubble in the widget."""

from __future__ import annotations

from bot.handoff.delivery import COUNSELOR_KEY, counselor_message, widget_counselor_message


def test_every_channel_reads_the_name_before_the_message() -> None:
    message = counselor_message("Ann Lee", "Career counselor", "Shall we talk?", first=True)

    assert message["text"] == "Ann Lee: Shall we talk?"
    assert message[COUNSELOR_KEY] == {"name": "Ann Lee", "role": "Career counselor", "body": "Shall we talk?", "first": True}


def test_the_widget_names_the_counselor_with_the_role_on_the_first_of_a_run_only() -> None:
    first = widget_counselor_message(counselor_message("Ann Lee", "Career counselor", "Hello", first=True))
    next_one = widget_counselor_message(counselor_message("Ann Lee", "Career counselor", "Still there?", first=False))

    bubble = {"customCss": {"style": "class", "css": "waypoint-counselor"}}
    assert first == {"text": "**Ann Lee** · Career counselor\nHello", "metadata": bubble}
    assert next_one == {"text": "Still there?", "metadata": bubble}


def test_markdown_in_a_name_stays_characters() -> None:
    shown = widget_counselor_message(counselor_message("*Ann* [x]_", "Career counselor", "Hi", first=True))

    assert shown is not None
    assert shown["text"].splitlines()[0] == r"**\*Ann\* \[x\]\_** · Career counselor"


def test_other_messages_are_not_a_counselor_bubble() -> None:
    assert widget_counselor_message({"text": "Ann Lee: hello"}) is None
    assert widget_counselor_message({"text": "x", COUNSELOR_KEY: {"name": "Ann"}}) is None
