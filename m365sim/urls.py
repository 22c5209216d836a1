from django.urls import path

app_name = "m365sim"
urlpatterns: list = []
