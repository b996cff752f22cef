"""One measured fix to Rasa 3.6's hot path, installed when the Rasa server loads
waypoint_rasa (endpoints.yml names our tracker store).

Rasa checks every action-server response against a JSON schema with
`jsonschema.validate`, which first re-checks the schema itself – a constant – on every
call. Under `make bench` (20 conversations at once) that re-check was 22 % of the Rasa
server's CPU. Here the schema is checked once and the same validator reused; responses
are still validated exactly as before and invalid ones still raise ValidationError.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_validator: Any = None


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid."
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
