"""The channels' input parsing fuzzed (hypothesis): whatever Slack, a browser or a forger
sends, parsing returns a value or refuses cleanly – never an unhandled exception. 2,000
inputs per target in `make test`, more in `make fuzz`."""

from __future__ import annotations

import time

import jwt
from hypothesis import given, strategies as st

from waypoint_rasa.slack import TEXT_LIMIT, incoming_text, signature_ok, slack_text, split_text
from waypoint_rasa.webchat import Identities, InvalidToken, presented_token

IDENTITIES = Identities(b"s" * 32, "jwt-secret-for-tests-0123456789abcdef")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@given(st.text(max_size=600), st.lists(st.text(max_size=12), max_size=3))
def test_slack_text_in_is_always_plain_text(text, bots) -> None:
    plain = incoming_text(text, bots)
    assert isinstance(plain, str) and len(plain) <= len(text)


@given(st.text(max_size=9000))
def test_bot_text_out_to_slack_splits_within_the_limit_and_keeps_every_word(text) -> None:
    escaped = slack_text(text)
    parts = split_text(escaped)
    assert all(len(part) <= TEXT_LIMIT for part in parts)
    assert "".join("".join(parts).split()) == "".join(escaped.split())  # only white space at the cuts goes


@given(st.text(max_size=30), st.one_of(st.none(), st.text(max_size=20)), st.binary(max_size=300),
       st.one_of(st.none(), st.text(max_size=80)))
def test_a_forged_slack_signature_is_refused_without_an_error(secret, timestamp, body, signature) -> None:
    assert signature_ok(secret, timestamp, body, signature) in (True, False)
    assert signature_ok("real-secret", timestamp, body, signature) is False


@given(json_values)
def test_any_presented_anonymous_id_is_refused_or_one_this_server_signed(token) -> None:
    sender = IDENTITIES.anonymous(token)
    assert sender is None  # random input is never a valid signature


@given(st.one_of(st.text(max_size=300), st.builds(lambda claims: jwt.encode(claims, "a-wrong-secret-of-thirty-two-bytes!", algorithm="HS256"),
                                                   st.dictionaries(st.sampled_from(["sub", "aud", "iat", "exp"]), json_values))))
def test_any_presented_employee_token_is_refused_cleanly(token) -> None:
    try:
        IDENTITIES.employee(token)
    except InvalidToken:
        return
    raise AssertionError("a token not signed with the intranet's secret was accepted")


@given(st.dictionaries(st.sampled_from(["sub", "aud", "iat", "exp", "nbf"]), json_values))
def test_tokens_with_any_claims_signed_right_are_accepted_only_when_whole(claims) -> None:
    token = jwt.encode(claims, IDENTITIES.jwt_secret, algorithm="HS256")
    try:
        sender = IDENTITIES.employee(token)
    except InvalidToken:
        return
    assert claims["aud"] in ("waypoint", ["waypoint"]) or "waypoint" in claims["aud"]
    assert isinstance(claims["sub"], str) and claims["exp"] > time.time() - 60 and sender.startswith("employee-")


@given(st.dictionaries(st.text(max_size=12), st.text(max_size=60), max_size=4), json_values)
def test_the_socket_token_is_read_from_any_handshake(environ, auth) -> None:
    token = presented_token(environ, auth)
    assert token is None or (isinstance(token, str) and token == token.strip() and token)
