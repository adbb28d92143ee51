"""The OpenAPI schema says what the API returns: nullable links, and the error answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator

NULLABLE = {
    "Dataset": ["system", "owner", "steward", "classification"],
    "Column": ["classification"],
    "DataCheck": ["column"],
    "ClassificationSuggestion": ["reviewed_by"],
    "GlossaryTerm": ["owner", "approved_by"],
    "Me": ["organization"],
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("component", "properties"), NULLABLE.items())
def test_properties_that_can_be_null_are_nullable(schema, component, properties):
    declared = schema["components"]["schemas"][component]["properties"]
    for name in properties:
        prop = declared[name]
        nullable = prop.get("nullable") or any(
            option.get("nullable") for option in prop.get("allOf", []) + prop.get("oneOf", [])
        )
        assert nullable, f"{component}.{name}: {prop}"


def test_every_operation_declares_the_error_answers(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        for code in ("400", "401", "403", "404", "413"):
            assert code in operation["responses"], f"{method.upper()} {path} does not declare {code}"
    error = schema["paths"]["/api/catalog/datasets/"]["get"]["responses"]["401"]
    assert error["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "detail" in schema["components"]["schemas"]["Error"]["properties"]
