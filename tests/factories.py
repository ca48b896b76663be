"""Plain factory functions: each test states only what it depends on."""

import importlib
import io
import itertools
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from authors.models import Author
from publications.demo_media import pdf_document
from publications.models import (
    Authorship,
    PinnedPublication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    SummaryPoint,
)
from publications.roles import ROLES

_counter = itertools.count(1)


# On PostgreSQL an export first asks whether it has enough rows for COPY
# (publications.exports_postgres.MIN_ROWS): one query more than on SQLite.
EXPORT_SIZE_CHECK = 1 if connection.vendor == "postgresql" else 0


def _unique(prefix):
    return f"{prefix}-{next(_counter)}"


def ago(days):
    """Return the moment *days* days before now (negative: in the future)."""
    return timezone.now() - timedelta(days=days)


def image_bytes(*, image_format="PNG", size=(64, 48), color=(40, 90, 160)):
    """Return the bytes of a small generated image."""
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, format=image_format)
    return output.getvalue()


def pdf_bytes(*, text="Folio test PDF"):
    """Return the bytes of a minimal one-page PDF showing *text*."""
    return pdf_document([(12, text)])


def get_type(slug):
    """Return the publication type *slug* (created by migration 0002)."""
    kind = "report" if slug in {
        "special-report", "peace-brief", "peaceworks", "discussion-paper"
    } else "related"  # fmt: skip
    publication_type, _ = PublicationType.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title(), "kind": kind}
    )
    return publication_type


def make_author(
    *,
    name="Ann Author",
    given_names="",
    family_name="",
    slug=None,
    position="",
    bio="",
    photo=False,
):
    author = Author(
        name=name,
        given_names=given_names,
        family_name=family_name,
        slug=slug or _unique("author"),
        position=position,
        bio=bio,
        photo_alt="Portrait" if photo else "",
    )
    if photo:
        author.photo.save("portrait.png", ContentFile(image_bytes()), save=False)
    author.save()
    return author


def make_series(*, title="Series", slug=None, description="", commissioned_by=""):
    return Series.objects.create(
        title=title,
        slug=slug or _unique("series"),
        description=description,
        commissioned_by=commissioned_by,
    )


# "Not given": a report gets what publishing requires
# (publications.publishing_rules); pass () or "" to make one without.
COMPLETE = object()


def _complete_topics():
    """Return a topic of the item's own, so it relates to no other item."""
    return (_unique("topic"),)


def _complete_authors():
    """Return the one author every complete item shares by default."""
    author, _ = Author.objects.get_or_create(
        slug="default-author", defaults={"name": "Dana Default"}
    )
    return (author,)


def _publish_fields(published, publish_at, unpublish_at):
    return {
        "status": "published" if published else "draft",
        "publish_at": publish_at or timezone.now() - timedelta(days=1),
        "unpublish_at": unpublish_at,
    }


def _attach(publication, *, tags, authors, image):
    if tags:
        publication.tags.add(*tags)
    for position, author in enumerate(authors):
        Authorship.objects.create(
            publication=publication, author=author, position=position
        )
    if image:
        publication.image_alt = "Cover image"
        publication.image.save("cover.png", ContentFile(image_bytes()), save=False)
        publication.save()


def make_report(
    *,
    title="Report",
    slug=None,
    type_slug="special-report",
    number=None,
    teaser="A teaser.",
    tags=COMPLETE,
    authors=COMPLETE,
    series=None,
    series_position=None,
    summary_points=COMPLETE,
    about=COMPLETE,
    body="",
    published=True,
    publish_at=None,
    unpublish_at=None,
    pdf=False,
    image=False,
):
    """Return a saved report, complete for publishing unless told otherwise."""
    if tags is COMPLETE:
        tags = _complete_topics()
    if authors is COMPLETE:
        authors = _complete_authors()
    if summary_points is COMPLETE:
        summary_points = ("The main finding.",)
    if about is COMPLETE:
        about = "<p>Why this report was written.</p>"
    report = Report(
        title=title,
        slug=slug or _unique("report"),
        publication_type=get_type(type_slug),
        number=number,
        teaser=teaser,
        about=about,
        body=body,
        series=series,
        series_position=series_position,
        **_publish_fields(published, publish_at, unpublish_at),
    )
    if pdf:
        report.pdf.save("report.pdf", ContentFile(pdf_bytes()), save=False)
    report.save()
    for position, text in enumerate(summary_points):
        SummaryPoint.objects.create(report=report, text=text, position=position)
    _attach(report, tags=tags, authors=authors, image=image)
    return report


def make_related(
    *,
    title="Analysis",
    slug=None,
    type_slug="analysis",
    teaser="A short teaser.",
    tags=(),
    authors=(),
    body="<p>Body.</p>",
    external_url="",
    published=True,
    publish_at=None,
    unpublish_at=None,
    image=False,
):
    related = RelatedPublication.objects.create(
        title=title,
        slug=slug or _unique("related"),
        publication_type=get_type(type_slug),
        teaser=teaser,
        body="" if external_url else body,
        external_url=external_url,
        **_publish_fields(published, publish_at, unpublish_at),
    )
    _attach(related, tags=tags, authors=authors, image=image)
    return related


def pin(source, *targets):
    """Pin *targets*, in order, as the first related items of *source*."""
    for position, target in enumerate(targets):
        PinnedPublication.objects.create(
            source=source, target=target, position=position
        )


def make_user(*, username=None, role=None, is_superuser=False, password="pass"):
    """Return a staff user, in the group *role* ("Editors", ...) when given."""
    user = get_user_model().objects.create_user(
        username=username or _unique("user"),
        password=password,
        is_staff=True,
        is_superuser=is_superuser,
    )
    if role:
        user.groups.add(ensure_group(role))
    return user


def ensure_default_types():
    """Create the publication types migration 0002 makes (flushes drop them)."""
    data_migration = importlib.import_module(
        "publications.migrations.0002_roles_and_types"
    )
    for position, (name, slug, kind) in enumerate(data_migration.DEFAULT_TYPES):
        PublicationType.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "position": position}
        )


def ensure_group(name):
    """Return the group *name* with its permissions (flushed DBs lose them)."""
    group, created = Group.objects.get_or_create(name=name)
    if created or not group.permissions.exists():
        for app_label, codename in ROLES[name]:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    return group


def _inline_management(prefix, *, initial=0, total=None):
    total = initial if total is None else total
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _split_datetime(name, value):
    if value is None:
        return {f"{name}_0": "", f"{name}_1": ""}
    local = timezone.localtime(value)
    return {f"{name}_0": f"{local:%Y-%m-%d}", f"{name}_1": f"{local:%H:%M:%S}"}


def publication_admin_data(
    *,
    kind="report",
    title="Report",
    slug="report",
    type_slug=None,
    teaser="A teaser.",
    status="draft",
    publish_at=None,
    unpublish_at=None,
    **fields,
):
    """Return the POST data of a Report or RelatedPublication admin form.

    The inline formsets are empty; pass their fields (and management counts,
    e.g. ``authorships-TOTAL_FORMS``) in *fields* to fill them.
    """
    data = {
        "title": title,
        "slug": slug,
        "publication_type": get_type(
            type_slug or ("special-report" if kind == "report" else "analysis")
        ).pk,
        "teaser": teaser,
        "status": status,
        **_split_datetime("publish_at", publish_at or timezone.now()),
        **_split_datetime("unpublish_at", unpublish_at),
        "new_topics": "",
        "image_alt": "",
        **_inline_management("authorships"),
        **_inline_management("pins"),
    }
    if kind == "report":
        data |= {"number": "", "about": "", "body": "", "series": ""}
        data |= {"series_position": "", **_inline_management("summary_points")}
    else:
        data |= {"body": "<p>Body.</p>", "external_url": ""}
    data.update(fields)
    return data


def report_admin_needs(*, author=None, summary="A finding.", topics="Mediation"):
    """Return report admin form fields giving what publishing requires.

    One author row (a new author unless given), one summary point, the
    About text and new topics; add them to publication_admin_data().
    """
    author = author or make_author()
    return {
        "about": "<p>Why this report was written.</p>",
        "new_topics": topics,
        "authorships-TOTAL_FORMS": "1",
        "authorships-0-position": "0",
        "authorships-0-author": str(author.pk),
        "authorships-0-role": "author",
        "authorships-0-affiliation": "",
        "summary_points-TOTAL_FORMS": "1",
        "summary_points-0-position": "0",
        "summary_points-0-text": summary,
    }


def make_named_user(*, first_name="Ann", last_name="Archer", role="Editors"):
    """Return a staff user with a full name, as admin messages show it."""
    user = make_user(username=first_name.lower(), role=role)
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


def related_links(response):
    """Return (href, title) of each related-item box on a publication page."""
    return re.findall(
        r'<article class="related-item">.*?<h3><a href="([^"]*)">([^<]*)</a>',
        response.content.decode(),
        re.S,
    )
