from django.urls import path

technician = []
staff = []
portal = []
