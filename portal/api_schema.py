"""OpenAPI post-processing: every operation lists the error answers it can give.

Any operation can answer 400 (bad parameters or body), 401 (no or bad credentials), 403 (no
permission), 404 (no such object, or a page past the end) and 413 (a body over the limit), and
all of them carry the same error body. Declaring them once here keeps the schema honest without
decorating each view.
"""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` says what went wrong; a validation error names each bad field instead.",
    "properties": {
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid parameters or body; the bad fields are named.",
    "401": "No or invalid credentials.",
    "403": "Authenticated, but not allowed.",
    "404": "Not found (or not visible to you).",
    "413": "Request body over the size limit.",
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
