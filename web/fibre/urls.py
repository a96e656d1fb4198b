from . import views

staff = views.urlpatterns
