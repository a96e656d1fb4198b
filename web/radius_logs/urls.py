from .views import staff

__all__ = ["staff"]
