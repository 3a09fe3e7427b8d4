"""Input validation: raw dicts or models in; validated models and a channel, or one clear error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from ipe.graph.domain import (
    CHANNELS,
    Channel,
    InvalidInputError,
    Prospect,
    Template,
    TemplateComplianceError,
    UnknownChannelError,
)
from ipe.tools.trust.policy import template_legal_gaps


def as_dict(value: Any, what: str) -> dict[str, Any]:
    """Accept a dict or a pydantic model; anything else is an ``InvalidInputError``."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return value
    raise InvalidInputError(f"{what} must be a JSON object, got {type(value).__name__}")


def _first_error(err: ValidationError, what: str) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or what
    if first["type"] == "missing":
        return f"{what} is missing the required field '{where}'"
    return f"{what} field '{where}': {first['msg']}"


def parse_prospect(raw: Any) -> Prospect:
    """Validate a prospect record (required: id, name)."""
    try:
        prospect = Prospect.model_validate(as_dict(raw, "prospect"))
    except ValidationError as err:
        raise InvalidInputError(_first_error(err, "prospect")) from None
    if not prospect.id or not prospect.name:
        raise InvalidInputError("prospect needs a non-empty 'id' and 'name'")
    return prospect


def parse_template(raw: Any) -> Template:
    """Validate a template (required: id, brand, sender)."""
    try:
        return Template.model_validate(as_dict(raw, "template"))
    except ValidationError as err:
        raise InvalidInputError(_first_error(err, "template")) from None


def resolve_channel(platform: str | None, prospect: Prospect) -> Channel:
    """The explicit platform if given (must be known), else the prospect's preference or email."""
    if platform:
        key = platform.strip().lower()
        if key == "twitter":
            key = "x"
        if key not in CHANNELS:
            raise UnknownChannelError(
                f"unknown channel '{platform}': use one of {', '.join(CHANNELS)}"
            )
        return key
    for candidate in (prospect.preferences.channel, prospect.platform):
        key = (candidate or "").strip().lower()
        key = "x" if key == "twitter" else key
        if key in CHANNELS:
            return key
    return "email"


def validate_request(
    prospect: Any, template: Any, platform: str | None
) -> tuple[Prospect, Template, Channel]:
    """Everything a run needs up front; raises a ``PersonalizationError`` subclass on bad input."""
    parsed_prospect = parse_prospect(prospect)
    parsed_template = parse_template(template)
    channel = resolve_channel(platform, parsed_prospect)
    gaps = template_legal_gaps(parsed_template, channel)
    if gaps:
        raise TemplateComplianceError(
            f"template '{parsed_template.id}' cannot be sent on {channel}: {'; '.join(gaps)}"
        )
    return parsed_prospect, parsed_template, channel
