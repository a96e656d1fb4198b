from .views import portal as portal_views
from .views import staff as staff_views
from .views import stock as stock_views
from .views import technician as technician_views

technician = technician_views.urlpatterns
staff = staff_views.urlpatterns + stock_views.urlpatterns
portal = portal_views.urlpatterns
