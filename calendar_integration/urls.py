from django.urls import path

from . import views

app_name = "calendar_integration"
urlpatterns = [
    path("verbinden/", views.connect, name="connect"),
]
