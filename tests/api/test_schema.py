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


def test_every_endpoint_has_its_own_description_written_for_an_integrator():
    # drf-spectacular falls back to a class docstring (walking the bases), which once published an internal
    # note ("the audit's `via` is this request's only") as the description of every /api/portal/ endpoint.
    import inspect

    from drf_spectacular.generators import SchemaGenerator

    from api import drf, portal_views, views

    internal = {
        inspect.cleandoc(cls.__doc__)
        for module in (drf, views, portal_views)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and cls.__doc__
    }
    schema = SchemaGenerator().get_schema(request=None, public=True)
    seen = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            description = operation.get("description", "")
            assert len(description) > 40, where
            assert description not in internal, where
            assert not any(word in description for word in ("`via`", "selector", "get_object_for", ".py")), where
            seen.setdefault(description, []).append(where)
    assert all(len(places) == 1 for places in seen.values()), {d: p for d, p in seen.items() if len(p) > 1}
