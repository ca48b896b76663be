from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self):
        from publications import signals, topics  # noqa: F401
        from publications.caching import receivers
        from publications.derived import changes, drain
        from publications.pdf import receivers as pdf_receivers

        receivers.connect()
        pdf_receivers.connect()
        changes.connect()
        drain.connect()
