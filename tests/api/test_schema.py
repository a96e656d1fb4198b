"""The OpenAPI schema describes every endpoint and validates; the docs load from our own static files."""

import yaml
from drf_spectacular.validation import validate_schema


def test_schema_is_valid_openapi_and_lists_every_resource(client, db):
    answer = client.get("/api/schema/")
    assert answer.status_code == 200
    schema = yaml.safe_load(answer.content)
    validate_schema(schema)  # drf-spectacular's OpenAPI 3 JSON-schema validation: raises on an invalid document
    paths = set(schema["paths"])
    for path in (
        "/api/v1/customers/", "/api/v1/customers/{id}/", "/api/v1/subscriptions/{id}/suspend/", "/api/v1/subscriptions/{id}/reactivate/",
        "/api/v1/subscriptions/{id}/cancel/", "/api/v1/subscriptions/{id}/cancel-quote/",
        "/api/v1/packages/", "/api/v1/invoices/{id}/pdf/", "/api/v1/payments/", "/api/v1/tickets/", "/api/v1/usage/",
        "/api/portal/token/", "/api/portal/invoices/", "/api/portal/tickets/", "/api/portal/usage/",
    ):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    listing = schema["paths"]["/api/v1/customers/"]["get"]
    assert {"cursor", "page_size", "status", "branch"} <= {p["name"] for p in listing["parameters"]}


def test_docs_pages_use_vendored_files_only(client, db):
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "drf_spectacular_sidecar" in page, url
        assert "cdn.jsdelivr" not in page and "unpkg" not in page
