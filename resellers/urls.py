from django.urls import path

from . import views

reseller = [path("", views.home, name="home")]
