"""The demo's history: a first saved version of every item, one item in review.

Used by ``load_demo`` after the content is loaded; both steps skip what is
already there, so running the command again adds nothing.
"""

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from reversion.models import Version

from publications import demo_content
from publications.models import RelatedPublication, Report
from publications.review import submit_for_review
from publications.states import Status

FIRST_VERSION_COMMENT = "First version, from the demo content."


def record_first_versions():
    """Keep a version of every item that has none; return how many were kept."""
    recorded = 0
    for model in (Report, RelatedPublication):
        kept = set(
            Version.objects.get_for_model(model).values_list("object_id", flat=True)
        )
        for item in model.objects.order_by("pk"):
            if str(item.pk) in kept:
                continue
            with reversion.create_revision():
                reversion.set_comment(FIRST_VERSION_COMMENT)
                reversion.add_to_revision(item)
            recorded += 1
    return recorded


def demo_contributor():
    """Return the demo's contributor (who cannot log in), or None without the role."""
    group = Group.objects.filter(name="Contributors").first()
    if group is None:
        return None
    fields = dict(demo_content.DEMO_CONTRIBUTOR)
    user, created = get_user_model().objects.get_or_create(
        username=fields.pop("username"), defaults={**fields, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(group)
    return user


def submit_demo_item(contributor):
    """Submit the demo's draft for review once; return it if submitted now."""
    item = (
        RelatedPublication.objects.filter(
            slug=demo_content.WAITING_FOR_REVIEW, status=Status.DRAFT
        )
        .exclude(review_events__isnull=False)
        .first()
    )
    if item is None or contributor is None:
        return None
    submit_for_review(item, actor=contributor, comment=demo_content.SUBMISSION_COMMENT)
    return item
