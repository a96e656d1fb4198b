from django.urls import path

from . import views

staff = [
    path("message-templates/", views.messagetemplate_list, name="messagetemplate-list"),
    path("message-templates/<int:pk>/edit/", views.messagetemplate_edit, name="messagetemplate-edit"),
    path("message-templates/<int:pk>/reset/", views.messagetemplate_reset, name="messagetemplate-reset"),
    path("messages/", views.message_list, name="message-list"),
    path("messages/<int:pk>/", views.message_detail, name="message-detail"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message-retry"),
]
