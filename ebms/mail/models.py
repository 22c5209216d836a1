"""E-mails stored by the database backend (demo and tests), shown on the demo mail page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredMail(models.Model):
    # Whose mail it is (the demo page shows a company admin his company's mails only).
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField(max_length=300)
    to = models.TextField(help_text="comma-separated")
    subject = models.CharField(max_length=500)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    # Attachments as a list of {"filename", "mimetype", "content"} (text attachments only).
    attachments = models.JSONField(default=list)
    headers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("Gespeicherte E-Mail")
        verbose_name_plural = _("Gespeicherte E-Mails")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to}"
