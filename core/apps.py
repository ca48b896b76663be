from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Folio core"

    def ready(self):
        from core.admin.plain_names import use_plain_names

        use_plain_names()
