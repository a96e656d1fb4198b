"""The current request's client IP (and the API token it came with), for audit entries written deep inside services."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)

# How the current change arrived when it was not through a signed-in page: "api:<token name>" for a
# request made with an API token (api/authentication.py). Written beside the actor on audit entries.
via: ContextVar[str] = ContextVar("via", default="")
