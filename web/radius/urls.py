"""The RADIUS screens' URLs per surface (collected by config/urls.py)."""

from .views import portal, staff

__all__ = ["portal", "staff"]
