"""The OpenAPI 3.1 document of `replylint serve`, written by hand.

It is built per app from the engine, so rule names (for `override.rules`,
`settings.select`, `settings.rules`) and the supported languages are enums of what
this server actually accepts: a client (or schemathesis) generating data from the
document gets 2xx for valid input and a 4xx JSON error for anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from replylint.model import CHANNELS
from replylint.rule import Rule
from replylint.version import __version__

# Request settings may change these only (see app.REQUEST_SETTINGS); `models`,
# `languages` and `phrases` would make a request load pipelines or grow caches.
SETTINGS_KEYS = (
    "channel",
    "language",
    "agent",
    "brand",
    "select",
    "ignore",
    "rules",
    "channels",
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null (configuration treats null as "not set")."""
    return {"anyOf": [schema, {"type": "null"}]}


def _option_schema(default: Any) -> dict[str, Any]:
    """A JSON Schema for a rule option, from the type of its default value."""
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, int):
        return {"type": "integer"}
    if isinstance(default, float):
        return {"type": "number"}
    if isinstance(default, str):
        return {"type": "string"}
    if isinstance(default, Mapping):
        # A table keyed by channel or language (its values are the rule's business),
        # or one scalar for every key.
        inner = next(iter(default.values()), None)
        scalar = _option_schema(inner) if inner is not None else {}
        return {"anyOf": [scalar, {"type": "object"}]}
    if isinstance(default, (list, tuple)):
        return {"type": "array"}
    return {}


def _rule_settings_schema(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "enabled": {"type": ["boolean", "null"]},
        "severity": _nullable(_ref("Severity")),
    }
    for option, default in rule.options.items():
        properties[option] = _option_schema(default)
    if rule.checks:
        check = {
            "anyOf": [
                {"type": "boolean", "description": "Shorthand for `enabled`."},
                _ref("Severity"),
                {
                    "type": "object",
                    "properties": {
                        "enabled": {"type": ["boolean", "null"]},
                        "severity": _nullable(_ref("Severity")),
                    },
                    "additionalProperties": False,
                },
            ]
        }
        properties["checks"] = {
            "type": "object",
            "description": "The rule's named sub-checks: each switched or given a severity.",
            "properties": {name: check for name in rule.checks},
            "additionalProperties": False,
        }
    return {
        "anyOf": [
            {"type": "boolean", "description": "Shorthand for `enabled`."},
            {"type": "object", "properties": properties, "additionalProperties": False},
        ]
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


def openapi_document(
    rules: Mapping[str, Rule],
    languages: Sequence[str],
    *,
    max_batch: int,
    auth: bool,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for a server with these rules and languages."""
    names = sorted(rules)
    rule_name: dict[str, Any] = {"type": "string", "enum": names} if names else {"type": "string"}
    errors_in = {
        "400": _error_response("Malformed JSON, or a body that is not a JSON object."),
        "415": _error_response("The body is not `application/json`."),
        "401": _error_response("Missing or wrong bearer token."),
        "408": _error_response("The request body did not arrive in time."),
        "413": _error_response("The request body is larger than the server accepts."),
        "422": _error_response("A field is missing, has the wrong type or an unknown value."),
        "503": _error_response("Linting took longer than the server's time limit."),
    }
    if not auth:
        del errors_in["401"]
    schemas: dict[str, Any] = {
        "Severity": {"type": "string", "enum": ["error", "warning", "info"]},
        "Channel": {"type": "string", "enum": list(CHANNELS)},
        "Verdict": {
            "type": "string",
            "enum": ["pass", "warn", "block"],
            "description": "`block` if any error, `warn` if any warning, else `pass`.",
        },
        "ReplyRecord": {
            "type": "object",
            "description": (
                "One reply as it would be sent (docs/record-fields.md). An unknown field "
                "is an error (422) naming the closest known one; free-form data goes "
                "under `meta`. Empty strings count as absent, except for `text`, which "
                "must hold more than whitespace."
            ),
            "required": ["text"],
            "properties": {
                "text": {
                    "type": "string",
                    "pattern": "\\S",
                    "description": "The reply as it would be sent (not blank).",
                },
                "id": {"type": ["string", "integer", "null"]},
                "channel": {
                    "enum": [*CHANNELS, "", None],
                    "description": "Where it is sent; default from the server config, else private.",
                },
                "incoming": {"type": ["string", "null"]},
                "language": {
                    "enum": [*languages, "", None],
                    "description": "ISO 639-1 code; detected when absent.",
                },
                "agent": {"type": ["string", "null"]},
                "brand": {"type": ["string", "null"]},
                "customer": {"type": ["string", "null"]},
                "saved_reply": {"type": ["boolean", "string", "null"]},
                "faq": {
                    "anyOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "string"},
                        {"type": "null"},
                    ]
                },
                "meta": {
                    "type": ["object", "null"],
                    "description": "Free-form data of your own; kept and ignored.",
                },
                "replylint-ignore": {
                    "anyOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "string"},
                        {"type": "null"},
                    ],
                    "description": "Rules to skip for this reply.",
                },
            },
            "additionalProperties": False,
        },
        "Override": {
            "type": "object",
            "description": (
                "Send anyway: the listed rules' findings no longer count toward the "
                "verdict (they are still returned, marked `overridden`). Each overridden "
                "rule is written to the server's audit log with the reason and a SHA-256 "
                "of the text."
            ),
            "required": ["rules", "reason"],
            "properties": {
                "rules": {"type": "array", "minItems": 1, "maxItems": 100, "items": rule_name},
                "reason": {"type": "string", "minLength": 1, "maxLength": 1000, "pattern": "\\S"},
            },
            "additionalProperties": False,
        },
        "Settings": {
            "type": "object",
            "description": (
                "A request-level configuration layer, above the server's config file: "
                "the same keys as `[tool.replylint]` except `models`, `languages` and "
                "`phrases`."
            ),
            "properties": {
                "channel": _nullable(_ref("Channel")),
                "language": _nullable({"type": "string", "enum": list(languages)}),
                "agent": _nullable({"type": "string"}),
                "brand": _nullable({"type": "string"}),
                "select": _nullable({"type": "array", "items": rule_name}),
                "ignore": _nullable({"type": "array", "items": rule_name}),
                "rules": _nullable(_ref("RuleSettingsTable")),
                "channels": _nullable(
                    {
                        "type": "object",
                        "properties": {
                            channel: {
                                "type": "object",
                                "properties": {"rules": _ref("RuleSettingsTable")},
                                "additionalProperties": False,
                            }
                            for channel in CHANNELS
                        },
                        "additionalProperties": False,
                    }
                ),
            },
            "additionalProperties": False,
        },
        "RuleSettingsTable": {
            "type": "object",
            "description": "Per rule: `enabled`, `severity` and the rule's own options.",
            "properties": {name: _rule_settings_schema(rules[name]) for name in names},
            "additionalProperties": False,
        },
        "Position": {
            "type": "object",
            "required": ["line", "column", "offset"],
            "properties": {
                "line": {"type": "integer", "minimum": 1},
                "column": {"type": "integer", "minimum": 1},
                "offset": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Code-point offset into `text`.",
                },
            },
        },
        "Edit": {
            "type": "object",
            "required": ["start", "end", "text"],
            "properties": {
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
            },
        },
        "Fix": {
            "type": "object",
            "required": ["title", "edits"],
            "properties": {
                "title": {"type": "string"},
                "edits": {"type": "array", "items": _ref("Edit")},
            },
        },
        "Finding": {
            "type": "object",
            "required": ["rule", "severity", "message", "start", "end", "fixes"],
            "properties": {
                "rule": {"type": "string"},
                "severity": _ref("Severity"),
                "message": {"type": "string"},
                "start": _ref("Position"),
                "end": _ref("Position"),
                "fixes": {"type": "array", "items": _ref("Fix")},
                "url": {"type": "string"},
                "overridden": {
                    "type": "boolean",
                    "description": "Present and true when the request overrode this rule.",
                },
            },
        },
        "OverrideResult": {
            "type": "object",
            "required": ["rules", "reason", "findings", "original_verdict"],
            "properties": {
                "rules": {"type": "array", "items": {"type": "string"}},
                "reason": {"type": "string"},
                "findings": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "How many findings the override took out of the verdict.",
                },
                "original_verdict": _ref("Verdict"),
            },
        },
        "CheckResult": {
            "type": "object",
            "required": ["id", "verdict", "language", "channel", "findings"],
            "properties": {
                "id": {"type": ["string", "null"]},
                "verdict": _ref("Verdict"),
                "language": {"type": "string"},
                "channel": _ref("Channel"),
                "findings": {"type": "array", "items": _ref("Finding")},
                "override": _ref("OverrideResult"),
            },
        },
        "BatchRequest": {
            "type": "object",
            "required": ["replies"],
            "properties": {
                "replies": {
                    "type": "array",
                    "maxItems": max_batch,
                    "items": {
                        "description": (
                            "A reply record, optionally with its own `override`. A bad "
                            "item gets an error at its index; the others are still linted."
                        )
                    },
                },
                "settings": _nullable(_ref("Settings")),
            },
        },
        "BatchResult": {
            "type": "object",
            "required": ["results"],
            "properties": {
                "results": {
                    "type": "array",
                    "items": {"anyOf": [_ref("CheckResult"), _ref("ErrorBody")]},
                }
            },
        },
        "RuleInfo": {
            "type": "object",
            "required": ["name", "summary", "severity", "url", "docs"],
            "properties": {
                "name": {"type": "string"},
                "summary": {"type": "string"},
                "severity": _ref("Severity"),
                "url": {"type": ["string", "null"]},
                "docs": {"type": "string", "description": "The rule's documentation (Markdown)."},
            },
        },
        "Rules": {
            "type": "object",
            "required": ["rules"],
            "properties": {"rules": {"type": "array", "items": _ref("RuleInfo")}},
        },
        "Health": {
            "type": "object",
            "required": ["status", "version", "auth", "ready"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "version": {"type": "string"},
                "auth": {"type": "boolean", "description": "Whether /v1/ needs a bearer token."},
                "ready": {
                    "type": "boolean",
                    "description": (
                        "False while this worker still loads a language's pipeline in the "
                        "background; requests are served meanwhile, a little slower."
                    ),
                },
            },
        },
        "ErrorBody": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["message", "field"],
                    "properties": {
                        "message": {"type": "string"},
                        "field": {
                            "type": ["string", "null"],
                            "description": "The offending field (dotted path), if any.",
                        },
                    },
                }
            },
        },
        "Problem": {
            "type": "object",
            "description": (
                "An RFC 9457 problem body (`application/problem+json`). `field` names the "
                "offending field (dotted path), if any; `error` repeats `detail` and "
                "`field` in the shape earlier versions returned."
            ),
            "required": ["type", "title", "status", "detail", "field", "error"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "field": {"type": ["string", "null"]},
                "error": {"$ref": "#/components/schemas/ErrorBody/properties/error"},
            },
        },
    }

    record = schemas["ReplyRecord"]
    schemas["CheckRequest"] = {
        **record,
        "description": "A reply record, with an optional `override` and `settings`.",
        "properties": {
            **record["properties"],
            "override": _nullable(_ref("Override")),
            "settings": _nullable(_ref("Settings")),
        },
    }

    def ok(schema: str, description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": _ref(schema)}},
        }

    security: list[dict[str, list[str]]] = [{"bearer": []}] if auth else []
    check_errors = dict(errors_in)
    rules_errors = {"401": errors_in["401"]} if auth else {}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "replylint pre-send service",
            "version": __version__,
            "description": (
                "Lint customer-service replies before they are sent. Offsets are "
                "code-point offsets into `text`; verdict is pass, warn or block."
            ),
        },
        "paths": {
            "/v1/check": {
                "post": {
                    "operationId": "check",
                    "summary": "Lint one reply and get a verdict.",
                    "security": security,
                    "requestBody": _json_body(
                        _ref("CheckRequest"), "A reply record, with optional override and settings."
                    ),
                    "responses": {
                        "200": ok("CheckResult", "The verdict and findings."),
                        **check_errors,
                    },
                }
            },
            "/v1/check/batch": {
                "post": {
                    "operationId": "checkBatch",
                    "summary": f"Lint up to {max_batch} replies in one request.",
                    "security": security,
                    "requestBody": _json_body(_ref("BatchRequest"), "The replies to lint."),
                    "responses": {
                        "200": ok("BatchResult", "One result (or error) per reply, in order."),
                        **check_errors,
                    },
                }
            },
            "/v1/rules": {
                "get": {
                    "operationId": "rules",
                    "summary": "The rules this server runs, with their docs.",
                    "security": security,
                    "responses": {"200": ok("Rules", "Every rule."), **rules_errors},
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness; never needs the token.",
                    "security": [],
                    "responses": {"200": ok("Health", "The server is up.")},
                }
            },
        },
        "components": {"schemas": schemas},
    }
    if auth:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return document
