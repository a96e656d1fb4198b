"""The RADIUS screens' URLs per surface (collected by ispbill/urls.py)."""

from .views import portal, staff

__all__ = ["portal", "staff"]
