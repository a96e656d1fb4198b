from django.urls import path

from . import views

technician = [path("", views.home, name="home")]
