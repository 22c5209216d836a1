"""Simulator mount points: /m365/login/ (identity), /m365/graph/ (Graph), /m365/ (web UI)."""

from django.urls import include, path

app_name = "m365sim"
urlpatterns = [
    path("login/", include("m365sim.identity.urls")),
    path("graph/", include("m365sim.graph.urls")),
    path("", include("m365sim.ops_ui.urls")),
    path("", include("m365sim.ui.urls")),
]
