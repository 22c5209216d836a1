from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "ebms.mail"
    label = "mail"
    verbose_name = _("Versendete E-Mails")
