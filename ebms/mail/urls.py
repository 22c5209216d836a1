from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
    path("<int:pk>/html/", views.mail_html, name="html"),
    path("<int:pk>/ics/", views.mail_ics, name="ics"),
]
