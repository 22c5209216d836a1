from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("benutzer/", views.user_list, name="user_list"),
    path("benutzer/neu/", views.user_create, name="user_create"),
    path("benutzer/<int:pk>/", views.user_edit, name="user_edit"),
]
