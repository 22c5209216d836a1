"""The community manager group: staff who book premium features in the admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

COMMUNITY_MANAGER_GROUP = "Community Manager"
COMMUNITY_MANAGER_PERMISSIONS = [
    ("accounts", "manage_feature_bookings"),
    ("accounts", "view_company"),
    ("accounts", "add_company"),
    ("accounts", "change_company"),
    ("accounts", "view_featurebooking"),
    ("accounts", "view_bookingchange"),
    ("accounts", "view_user"),
]


def community_manager_group() -> Group:
    """The group with exactly the permissions a community manager needs (idempotent)."""
    group, _ = Group.objects.get_or_create(name=COMMUNITY_MANAGER_GROUP)
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in COMMUNITY_MANAGER_PERMISSIONS
    ]
    group.permissions.set(perms)
    return group
