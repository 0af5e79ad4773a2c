"""The OpenAPI schema tells the truth: what may be null is nullable, and every error answer the API
gives is documented. Clients and the fuzzer (`make fuzz`) hold the API to this schema.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "description": "An error: `detail` with a message, or messages under each field name the "
    "client sent (`non_field_errors` for the record as a whole).",
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input; the messages name the field or query parameter.",
    "401": "Not signed in (no or an invalid token).",
    "403": "Visible, but the user may not do this.",
    "404": "Not found, not visible to the user, or a page number beyond the last page.",
    "409": "The record changed since the version the request is based on, other records "
    "refer to it, or it is no longer in a state that allows this.",
}


def source_is_nullable(field) -> bool:
    """Whether a serializer field reads a model path that can be null: a nullable column, or a
    nullable relation on the way to it (e.g. `user.username` with `user` null=True)."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or field.source == "*" or not getattr(field, "source_attrs", None):
        return False
    for name in field.source_attrs:
        if model is None:
            return False
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not model_field.concrete or model_field.many_to_many:
            return False
        if model_field.null:
            return True
        model = model_field.related_model
    return False


class AutoSchema(SpectacularAutoSchema):
    """ModelSerializer fields declared by hand (read-only dates, usernames of an optional user)
    do not inherit the model's `null=True`; the answer still carries null, so say so."""

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if (
            direction == "response"
            and isinstance(field, serializers.Field)
            and not meta.get("nullable")
            and source_is_nullable(field)
        ):
            meta["nullable"] = True
        return meta


def document_error_responses(result, generator, request, public):
    """Postprocessing hook: the 4xx answers every operation can give (drf-spectacular documents
    only the success), so that a client or fuzzer can tell a documented refusal from a bug."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "put", "patch", "post", "delete", "head"}:
                continue
            codes = ["400", "401", "403"]
            parameters = operation.get("parameters", [])
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                codes.append("404")
            if method in {"put", "patch", "delete"} or (method == "post" and "{" in path):
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
                            }
                        },
                    },
                )
    return result
