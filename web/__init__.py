"""The web interface: each app's views, forms and URLs, above every domain app and the use cases.

A view may call any app's selectors and services and any use case (usecases/); no domain app imports
this package, so the apps below stay free of request handling. web/<app>/ mirrors the app it serves
(web/customers/ for customers/); templates stay in the apps' template folders. config/urls.py mounts
each web/<app>/urls.py per surface.
"""
