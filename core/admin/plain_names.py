"""Plain names in the admin for the models of third-party apps.

Editors see "Topics" rather than "Taggit › Tags" and "Security" rather than
"Axes › Access attempts". Only the names the admin shows change: the
models' declared options (Meta.original_attrs), which migrations compare,
stay as the apps ship them, so no migration is due in their packages.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# app label: (app name, {model name: (verbose_name, verbose_name_plural)})
PLAIN_NAMES = {
    "taggit": (_("Topics"), {"tag": (_("topic"), _("topics"))}),
    "axes": (
        _("Security"),
        {
            "accessattempt": (_("failed login counter"), _("failed login counters")),
            "accessfailurelog": (_("failed login"), _("failed logins")),
            "accesslog": (_("successful login"), _("successful logins")),
            "accessattemptexpiration": (
                _("lockout expiry"),
                _("lockout expiries"),
            ),
        },
    ),
}


def use_plain_names():
    """Rename the installed third-party apps and models named in PLAIN_NAMES."""
    for app_label, (app_name, models) in PLAIN_NAMES.items():
        if not apps.is_installed(app_label):
            continue
        app_config = apps.get_app_config(app_label)
        app_config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            opts = app_config.get_model(model_name)._meta
            opts.verbose_name = singular
            opts.verbose_name_plural = plural
