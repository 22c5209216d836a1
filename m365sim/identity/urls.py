"""Identity platform paths, as under https://login.microsoftonline.com/ (mounted at /m365/login/)."""

from __future__ import annotations

from django.urls import path

from m365sim.identity import discovery, token_view, views

urlpatterns = [
    path("common/userrealm/<str:username>", discovery.user_realm, name="identity-userrealm"),
    path(
        "<str:tenant>/v2.0/.well-known/openid-configuration",
        discovery.openid_configuration,
        name="identity-openid-configuration",
    ),
    path("<str:tenant>/discovery/v2.0/keys", discovery.keys, name="identity-keys"),
    path("<str:tenant>/discovery/keys", discovery.keys),
    path("<str:tenant>/discovery/instance", discovery.instance_discovery, name="identity-instance"),
    path("<str:tenant>/oauth2/v2.0/authorize", views.authorize, name="identity-authorize"),
    path("<str:tenant>/oauth2/v2.0/token", token_view.token, name="identity-token"),
    path("<str:tenant>/oauth2/v2.0/logout", views.logout, name="identity-logout"),
    path("<str:tenant>/v2.0/adminconsent", views.admin_consent, name="identity-adminconsent"),
    path("<str:tenant>/adminconsent", views.admin_consent),
    path("<str:tenant>/login", views.sign_in, name="identity-login"),
    path("<str:tenant>/consent", views.consent, name="identity-consent"),
    path("<str:tenant>/approval", views.approval, name="identity-approval"),
]
