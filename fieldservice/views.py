from django.shortcuts import render

from .selectors import open_tasks_for_technician


def home(request):
    return render(request, "fieldservice/home.html", {"tasks": open_tasks_for_technician(technician=request.user)})
