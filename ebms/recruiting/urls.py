"""Recruiting URLs (app "recruiting"); the dashboard is routed as "dashboard" in ebms/urls.py."""

from django.urls import path

from . import views

app_name = "recruiting"
urlpatterns = [
    path("bewerber/", views.candidate_list, name="candidate_list"),
    path("bewerber/neu/", views.candidate_create, name="candidate_create"),
    path("bewerber/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("bewerber/<int:pk>/loeschen/", views.candidate_erase, name="candidate_erase"),
    path("bewerber/<int:pk>/bewerbung/neu/", views.application_create, name="application_create"),
    path("bewerbungen/<int:pk>/", views.application_detail, name="application_detail"),
    path("bewerbungen/<int:pk>/status/", views.application_status, name="application_status"),
    path("bewerbungen/<int:pk>/termin/neu/", views.appointment_create, name="appointment_create"),
    path("bewerbungen/<int:pk>/vorschlaege/neu/", views.proposal_create, name="proposal_create"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("termine/", views.appointment_list, name="appointment_list"),
    path("termine/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("termine/<int:pk>/bearbeiten/", views.appointment_edit, name="appointment_edit"),
    path("termine/<int:pk>/absagen/", views.appointment_cancel, name="appointment_cancel"),
    path(
        "termine/<int:pk>/einladung/",
        views.appointment_email_preview,
        name="appointment_email_preview",
    ),
    path("vorschlaege/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("vorschlaege/<int:pk>/zurueckziehen/", views.proposal_withdraw, name="proposal_withdraw"),
    # Public: the candidate's page behind the signed link in the proposal e-mail.
    path("vorschlag/<str:token>/", views.candidate_proposal, name="candidate_proposal"),
    # Token-free: the page the link leads to once its token is exchanged (docs/security.md).
    path(
        "vorschlag/auswahl/<int:pk>/",
        views.candidate_proposal_page,
        name="candidate_proposal_page",
    ),
]
