from django.urls import path

from . import staff_views
from .portal_views import portal  # noqa: F401 - the customer's own account pages

staff = [
    path("settings/users/", staff_views.user_list, name="user-list"),
    path("settings/users/new/", staff_views.user_create, name="user-create"),
    path("settings/users/<int:pk>/edit/", staff_views.user_edit, name="user-edit"),
    path("settings/users/<int:pk>/password/", staff_views.user_password, name="user-password"),
    path("settings/roles/", staff_views.role_list, name="role-list"),
    path("settings/roles/new/", staff_views.role_create, name="role-create"),
    path("settings/roles/<int:pk>/edit/", staff_views.role_edit, name="role-edit"),
]
