"""Small request helpers shared by the JSON endpoints."""

from __future__ import annotations

from typing import Any

from flask import request

from runtime.errors import BadRequest, MallkitError, ValidationFailed


class UnsupportedMediaType(MallkitError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 4xx problem naming what is wrong with it."""
    if not request.mimetype or not (request.mimetype == "application/json"
                                    or request.mimetype.endswith("+json")):
        raise UnsupportedMediaType(
            f"expected Content-Type application/json, got {request.mimetype or 'none'}")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("request body is not valid JSON", code="malformed_json")
    if not isinstance(data, dict):
        raise ValidationFailed.single("", "request body must be a JSON object", "type")
    return data
