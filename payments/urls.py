"""The payments app's views per surface; ispbill/urls.py mounts each list under its surface."""

from . import views

staff = [*views.urlpatterns]
