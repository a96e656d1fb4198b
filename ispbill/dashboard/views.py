from django.shortcuts import render

from .selectors import staff_overview


def home(request):
    return render(request, "dashboard/home.html", staff_overview(user=request.user))
