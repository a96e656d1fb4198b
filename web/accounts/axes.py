"""django-axes wiring: what a failed sign-in is counted under depends on the surface the request came to,
which only the web layer knows."""

from customers.portal_access import portal_identity
from web.surfaces import surface_for_path


def lockout_username(request, credentials) -> str | None:
    """What django-axes counts failed sign-ins under (AXES_USERNAME_CALLABLE). On the portal one
    customer is one key whatever spelling of the account number or phone was typed; elsewhere the
    username as typed, without surrounding spaces."""

    username = ((credentials or {}).get("username") or (request.POST.get("username") if request is not None else "") or "").strip()
    surface = surface_for_path(request.path_info) if request is not None else None
    if surface is not None and surface.name == "portal" and username:
        return portal_identity(username)
    return username or None
