"""Graph v1.0 routes under /m365/graph/ (no app_name: names are prefixed graph-...).

Everything below v1.0/ goes through one view and the simulator's own route table
(m365sim/graph/router.py), which $batch shares.
"""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^v1\.0/(?P<rest>.*)$", views.graph_v1, name="graph-v1"),
]
