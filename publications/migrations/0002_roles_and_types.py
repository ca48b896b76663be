"""Create the editorial groups and the default publication types."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from publications.roles import ROLES

DEFAULT_TYPES = [
    ("Special Report", "special-report", "report"),
    ("Peace Brief", "peace-brief", "report"),
    ("Peaceworks", "peaceworks", "report"),
    ("Discussion Paper", "discussion-paper", "report"),
    ("Analysis", "analysis", "related"),
    ("Question and Answer", "question-and-answer", "related"),
    ("Commentary", "commentary", "related"),
    ("News", "news", "related"),
    ("Event", "event", "related"),
]


def create_roles_and_types(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
        ]
        group.permissions.add(*permissions)

    PublicationType = apps.get_model("publications", "PublicationType")
    for position, (name, slug, kind) in enumerate(DEFAULT_TYPES):
        PublicationType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("authors", "0001_initial"),
        ("publications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles_and_types, migrations.RunPython.noop),
    ]
