"""German formats as people here write them: 01.12.2026 and 01.12.2026, 13:31 (Django's own
German DATE_FORMAT spells the month out). Everything not named here falls back to Django."""

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
