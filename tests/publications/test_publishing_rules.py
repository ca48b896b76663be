"""What an item needs before it may be published, checked as stored."""

import pytest
from django.db.models import Prefetch
from django.forms import modelform_factory

from publications.models import Authorship, Publication, Report
from publications.publishing_rules import (
    missing_for_publishing,
    missing_for_publishing_each,
    missing_in_submission,
    with_publishing_facts,
)
from tests.factories import make_author, make_related, make_report

pytestmark = pytest.mark.django_db

EVERYTHING_A_REPORT_NEEDS = [
    "at least one author",
    "at least one summary point",
    "the About text",
    "at least one topic",
]


def _complete_report(**fields):
    defaults = {
        "authors": [make_author()],
        "summary_points": ["A finding."],
        "about": "<p>Why.</p>",
        "tags": ["Mediation"],
    }
    return make_report(**(defaults | fields))


def test_a_complete_report_may_be_published():
    assert missing_for_publishing(_complete_report(image=True)) == []


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"authors": ()}, "at least one author"),
        ({"summary_points": ()}, "at least one summary point"),
        ({"about": ""}, "the About text"),
        ({"about": "<p>  </p>"}, "the About text"),
        ({"tags": ()}, "at least one topic"),
        ({"teaser": " "}, "a teaser"),
    ],
)
def test_each_missing_part_of_a_report_is_named(fields, missing):
    assert missing_for_publishing(_complete_report(**fields)) == [missing]


def test_a_cover_image_without_alt_text_is_named():
    report = _complete_report(image=True)
    report.image_alt = ""

    assert missing_for_publishing(report) == ["alt text for the cover image"]


def test_a_bare_report_lacks_everything_in_order():
    report = make_report(
        authors=(), summary_points=(), about="", tags=(), teaser="", image=True
    )
    report.image_alt = " "

    assert missing_for_publishing(report) == [
        *EVERYTHING_A_REPORT_NEEDS,
        "a teaser",
        "alt text for the cover image",
    ]


def test_a_related_publication_needs_a_teaser_and_a_type_only(
    django_assert_num_queries,
):
    related = make_related(authors=(), tags=())
    with django_assert_num_queries(0):
        assert missing_for_publishing(related) == []

    related.teaser = ""
    related.publication_type_id = None
    assert missing_for_publishing(related) == ["a teaser", "a type"]


def test_a_related_publication_image_needs_alt_text():
    related = make_related(image=True)
    related.image_alt = ""

    assert missing_for_publishing(related) == ["alt text for the cover image"]


def test_the_publication_row_of_a_report_is_checked_as_a_report():
    report = make_report(authors=(), summary_points=(), about="", tags=())
    row = Publication.objects.get(pk=report.pk)

    assert missing_for_publishing(row) == EVERYTHING_A_REPORT_NEEDS


def test_checking_a_stored_item_reads_its_relations_in_one_query(
    django_assert_num_queries,
):
    report = Report.objects.get(pk=_complete_report().pk)

    with django_assert_num_queries(1):
        assert missing_for_publishing(report) == []


def test_annotated_or_prefetched_items_are_checked_without_queries(
    django_assert_num_queries,
):
    complete, bare = (
        _complete_report(),
        make_report(authors=(), summary_points=(), about="<p>Why.</p>", tags=()),
    )
    pks = [complete.pk, bare.pk]
    annotated = list(with_publishing_facts(Report.objects.filter(pk__in=pks)))
    prefetched = list(
        Report.objects.filter(pk__in=pks).prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.all()),
            "summary_points",
            "tagged_items",
        )
    )

    with django_assert_num_queries(0):
        for reports in (annotated, prefetched):
            by_pk = {report.pk: missing_for_publishing(report) for report in reports}
            assert by_pk == {
                complete.pk: [],
                bare.pk: [
                    "at least one author",
                    "at least one summary point",
                    "at least one topic",
                ],
            }


def test_many_items_are_checked_in_one_query(django_assert_num_queries):
    reports = [_complete_report(), make_report(tags=()), make_report(authors=())]
    related = make_related(teaser="")
    items = [*Report.objects.filter(pk__in=[r.pk for r in reports]), related]

    with django_assert_num_queries(1):
        missing = missing_for_publishing_each(items)

    assert missing == {
        reports[0].pk: [],
        reports[1].pk: ["at least one topic"],
        reports[2].pk: ["at least one author"],
        related.pk: ["a teaser"],
    }


def test_factory_reports_published_by_default_are_complete():
    """Tests build on published items that could have been published today."""
    assert missing_for_publishing(make_report()) == []
    assert missing_for_publishing(make_related()) == []


def _bound_form(item, **changes):
    form_class = modelform_factory(
        type(item), fields=["title", "teaser", "publication_type", "status"]
    )
    data = {
        "title": item.title,
        "teaser": item.teaser,
        "publication_type": item.publication_type_id,
        "status": "published",
    }
    form = form_class(data | changes, instance=item)
    assert form.is_valid(), form.errors
    return form


def test_a_submission_without_its_inlines_counts_the_stored_rows(
    django_assert_num_queries,
):
    form = _bound_form(make_report(tags=()), teaser="Edited.")

    with django_assert_num_queries(1):
        assert missing_in_submission(form, ()) == ["at least one topic"]


def test_a_related_publication_submission_needs_no_query(django_assert_num_queries):
    form = _bound_form(make_related(authors=(), tags=()), teaser="Edited.")

    with django_assert_num_queries(0):
        assert missing_in_submission(form, ()) == []
