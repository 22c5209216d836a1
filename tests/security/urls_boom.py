"""The product's URLs plus a view that fails (for the 500 page test)."""

from django.urls import path

from ebms.urls import handler400, handler403, handler404, handler500
from ebms.urls import urlpatterns as product

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("interne Details: postgres://ebms:geheim@db/ebms")


urlpatterns = [path("boom/", boom), *product]
