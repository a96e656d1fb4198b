from django.urls import path

from . import views

staff = [path("", views.home, name="home")]
