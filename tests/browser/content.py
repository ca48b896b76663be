"""A well-filled set of publications for the browser tests and screenshots."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from tests.factories import make_author, make_related, make_report, make_series, pin


def picture_bytes(*, size=(1200, 800), top=(12, 45, 72), bottom=(154, 179, 196)):
    """Return a JPEG with a vertical gradient and a few shapes."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / max(height - 1, 1)
        colour = tuple(
            round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)
        )
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse(
        [width * 0.55, height * 0.2, width * 0.85, height * 0.65], fill=(196, 87, 42)
    )
    draw.rectangle([0, height * 0.78, width, height], fill=(23, 32, 42))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()


def _set_image(publication, *, alt, **colours):
    publication.image_alt = alt
    publication.image.save(
        "cover.jpg", ContentFile(picture_bytes(**colours)), save=False
    )
    publication.save()


def _set_photo(author, *, colour):
    author.photo_alt = f"Portrait of {author.name}"
    author.photo.save(
        "portrait.jpg",
        ContentFile(picture_bytes(size=(300, 300), top=colour, bottom=(230, 230, 230))),
        save=False,
    )
    author.save()


def make_filled_site():
    """Create a report with every section filled, and items around it."""
    now = timezone.now()
    amina = make_author(
        name="Amina Haddad",
        slug="amina-haddad",
        position="Senior fellow, Program on Governance and Conflict",
        bio="<p>Amina Haddad studies local peace agreements in the Sahel and "
        "has advised mediators in Mali and Niger.</p>",
    )
    _set_photo(amina, colour=(120, 60, 40))
    tomas = make_author(
        name="Tomás Ortega",
        slug="tomas-ortega",
        position="Director, Center for Security Studies",
        bio="<p>Tomás Ortega leads the institute's work on security sector reform.</p>",
    )
    _set_photo(tomas, colour=(40, 70, 120))
    series = make_series(
        title="Local Peace Processes",
        slug="local-peace-processes",
        description="<p>How communities negotiate an end to violence.</p>",
        commissioned_by="Center for Security Studies",
    )
    report = make_report(
        title="Mediating Local Conflicts in the Central Sahel",
        slug="mediating-local-conflicts",
        number=277,
        teaser="Community-level agreements have reduced violence in parts of "
        "Mali and Burkina Faso. This report examines what made them hold and "
        "how outside support can help without undermining them.",
        tags=["Sahel", "Mediation", "Peace processes"],
        authors=[amina, tomas],
        series=series,
        series_position=2,
        summary_points=[
            "Local agreements reduced violent incidents by a third where "
            "traditional authorities took part.",
            "Agreements held longer when they included grazing routes and "
            "water access.",
            "Outside funders should support, not lead, local mediation.",
        ],
        about="<p>This report draws on interviews with mediators, community "
        "leaders and officials in the Central Sahel between 2022 and 2024. It "
        "was commissioned by the Center for Security Studies.</p>",
        pdf=True,
        publish_at=now - timedelta(days=2),
    )
    _set_image(report, alt="Herders and farmers meeting under a tree at dusk")
    make_report(
        title="Water, Land and Local Truces",
        slug="water-land-truces",
        number=268,
        teaser="How resource-sharing deals prevent conflict between herders "
        "and farmers.",
        tags=["Sahel"],
        authors=[amina],
        series=series,
        series_position=1,
        publish_at=now - timedelta(days=60),
    )
    analysis = make_related(
        title="What Niger's Truce Tells Us About Local Mediation",
        slug="niger-truce-analysis",
        teaser="A year after the agreement in Tillabéri, the lessons for "
        "mediators elsewhere.",
        tags=["Sahel", "Mediation"],
        authors=[tomas],
        body="<p>A year after the agreement...</p>",
        publish_at=now - timedelta(days=5),
    )
    _set_image(analysis, alt="A village market in Tillabéri", top=(60, 90, 60))
    commentary = make_related(
        title="Three Questions on Peace Processes in the Sahel",
        slug="three-questions-sahel",
        type_slug="question-and-answer",
        teaser="Our experts answer readers' questions.",
        tags=["Peace processes"],
        publish_at=now - timedelta(days=9),
    )
    _set_image(commentary, alt="Two experts in conversation", top=(90, 40, 80))
    make_related(
        title="Mediation Support Beyond the Capital",
        slug="mediation-beyond-capital",
        type_slug="commentary",
        teaser="Why national peace talks need local roots.",
        tags=["Mediation"],
        external_url="https://example.org/mediation-beyond-capital",
        publish_at=now - timedelta(days=12),
    )
    pin(report, commentary)
    return {"report": report, "analysis": analysis, "commentary": commentary}
