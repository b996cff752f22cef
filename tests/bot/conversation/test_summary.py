"""bot.conversation.summary: the end-of-conversation summary, stage by stage."""

from __future__ import annotations

from bot.conversation.answers import SKIPPED
from bot.conversation.summary import summary_lines, summary_text

HEADERS = [
    "Stage 2 of 7 – Needs assessment",
    "Stage 3 of 7 – Assessment",
    "Stage 4 of 7 – Exploration",
    "Stage 5 of 7 – Goals",
    "Stage 6 of 7 – Action plan",
    "Stage 7 of 7 – Review",
]


def test_empty_summary_lists_every_stage_with_nothing_yet():
    assert summary_lines({}, stored=True) == ["Here's what I have stored, stage by stage:"] + [
        f"{header}: nothing yet" for header in HEADERS
    ]


def test_summary_lists_answers_under_their_stage_headers():
    slots = {
        "consent": True,
        "current_role": "Analyst",
        "path_type": "lateral",
        "key_people": ["manager"],
        "person_manager_help": "mentor me",
    }
    assert summary_text(slots, stored=True) == "\n".join(
        [
            "Here's what I have stored, stage by stage:",
            "Stage 2 of 7 – Needs assessment",
            "• Current role: Analyst",
            "Stage 3 of 7 – Assessment: nothing yet",
            "Stage 4 of 7 – Exploration",
            "• Career path type: Lateral",
            "Stage 5 of 7 – Goals: nothing yet",
            "Stage 6 of 7 – Action plan",
            "• People who matter: My manager",
            "• What your manager can do: mentor me",
            "Stage 7 of 7 – Review: nothing yet",
        ]
    )


def test_summary_does_not_show_consent():
    text = summary_text({"consent": True}, stored=True)
    assert "Welcome" not in text
    assert "consent" not in text.lower()


def test_summary_escapes_markup():
    text = summary_text({"current_role": "<b>Lead</b> & dev"}, stored=True)
    assert "• Current role: &lt;b&gt;Lead&lt;/b&gt; & dev" in text
    assert "<b>" not in text


def test_summary_says_not_stored():
    text = summary_text({"current_role": "Analyst"}, stored=False)
    assert text.splitlines()[0] == "Here's what I have noted (not stored, as you asked), stage by stage:"
    assert "not stored" in text


def test_summary_hides_goal_confirmation():
    slots = {
        "goal_short": "Become team lead",
        "goal_short_due": "2027-04-15",
        "goal_short_measure": "I have the title",
        "goal_short_confirmed": True,
    }
    lines = summary_lines(slots, stored=True)
    goals = lines[lines.index("Stage 5 of 7 – Goals") + 1 : lines.index("Stage 6 of 7 – Action plan: nothing yet")]
    assert goals == [
        "• Short-term goal: Become team lead",
        "• Short-term goal date: 15 April 2027",
        "• Short-term goal success criterion: I have the title",
    ]
    assert "confirmed" not in "\n".join(lines)


def test_summary_shows_skipped_answers():
    assert "• Department: skipped" in summary_text({"department": SKIPPED}, stored=True)


def test_summary_shortens_long_answers():
    text = summary_text({"interests": "x" * 900}, stored=True)
    line = next(line for line in text.splitlines() if line.startswith("• Interests: "))
    assert line == "• Interests: " + "x" * 399 + "…"


def test_summary_leaves_out_people_not_chosen():
    text = summary_text({"key_people": ["hr"], "person_manager_help": "old answer"}, stored=True)
    assert "old answer" not in text
    assert "• People who matter: HR" in text
