"""The readers' listings: home, publications, topics, authors and series.

A publication's own page and its PDF are in publications.detail_views.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from authors.models import Author
from core.links import slug_url
from publications.caching import remember
from publications.caching.surrogates import (
    add_page_keys,
    listing_keys,
    publication_key,
)
from publications.cards import card_rows, publication_cards
from publications.facets import count_matching, newest_ids_matching
from publications.forms import PublicationFilterForm, listing_options
from publications.models import Publication, Series
from publications.paging import PublicationPaginator
from publications.roles import may_preview
from publications.search import search_ranking_tiers
from publications.selectors import (
    author_for_slug,
    filter_publications,
    live_authors,
    live_publications,
    live_series,
    live_topics,
    series_for_slug,
    series_reports,
    topic_for_slug,
    topic_moved_from,
    with_topic_id,
)

LIST_PAGE_SIZE = 20
# How search results can be ordered (?sort=): best match first, or newest.
SORT_RELEVANCE, SORT_DATE = "relevance", "date"


class PublicViewMixin:
    """Name the site section for the navigation and fix "now" for the request."""

    section = None

    @cached_property
    def now(self):
        return timezone.now()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("filter_query", {})
        return super().get_context_data(section=self.section, **kwargs)


class _PublicationPagesMixin:
    """Paginate with PublicationPaginator, its count keyed by count_key()."""

    paginator_class = PublicationPaginator

    def count_key(self):
        raise NotImplementedError

    def list_ordering(self):
        return PublicationPaginator.NEWEST_FIRST

    def counter(self):
        """Return a function counting the list, or None to ask the database."""
        return None

    def page_ids(self):
        """Return a function giving a page's ids, or None to ask the database."""
        return None

    def ranking_tiers(self):
        """Return functions giving the querysets that rank a RANKED list in
        parts (see ranked_ids()), or None."""
        return None

    def get_paginator(self, queryset, per_page, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            count_key=self.count_key(),
            now=self.now,
            ordering=self.list_ordering(),
            counter=self.counter(),
            page_ids=self.page_ids(),
            ranking_tiers=self.ranking_tiers(),
            **kwargs,
        )


class HomeView(PublicViewMixin, TemplateView):
    template_name = "publications/home.html"

    def get_context_data(self, **kwargs):
        newest = live_publications(now=self.now)
        reports = list(newest.filter(kind=Publication.Kind.REPORT)[:7])
        return super().get_context_data(
            featured=reports[0] if reports else None,
            latest_reports=reports[1:],
            latest_related=list(newest.filter(kind=Publication.Kind.RELATED)[:4]),
            # Counted over every live item: remembered until content changes.
            series_list=remember(
                "home-series",
                lambda: list(live_series(now=self.now)[:6]),
                now=self.now,
            ),
            topics=remember(
                "home-topics",
                lambda: list(live_topics(now=self.now).order_by("-count", "name")[:15]),
                now=self.now,
            ),
            **kwargs,
        )


class PublicationListView(_PublicationPagesMixin, PublicViewMixin, ListView):
    """All live publications, newest first, narrowed by the filter form."""

    template_name = "publications/publication_list.html"
    paginate_by = LIST_PAGE_SIZE
    section = "publications"
    excluded_filters = ()

    @cached_property
    def submitted_filters(self):
        return PublicationFilterForm(self.request.GET, exclude=self.excluded_filters)

    def fixed_filters(self):
        """Return filters set by the URL rather than the form."""
        return {}

    @cached_property
    def _filters(self):
        return with_topic_id(
            {**self.submitted_filters.filters(), **self.fixed_filters()}
        )

    def filters(self):
        return self._filters

    def filter_options(self):
        """Return the filter form's options, each counted under the other filters."""
        fields = [
            name
            for name in PublicationFilterForm.filter_names
            if name != "q" and name not in self.excluded_filters
        ]
        return listing_options(self.filters(), fields=fields, now=self.now)

    def count_key(self):
        return f"listing:{sorted(self.filters().items())!r}"

    @cached_property
    def sort(self):
        """Return how to order the list: SORT_RELEVANCE for a search, else SORT_DATE."""
        if self.filters().get("query") and self.request.GET.get("sort") != SORT_DATE:
            return SORT_RELEVANCE
        return SORT_DATE

    def counter(self):
        filters = self.filters()
        if not filters:
            # The whole listing's count reads one index, once per version.
            return None
        # A filtered count in the database reads every match (70 ms for a
        # popular topic of one type at 100,000 items); the facet index,
        # which the filter options read anyway, counts in a millisecond.
        return lambda: count_matching(filters, now=self.now)

    def page_ids(self):
        filters = self.filters()
        if not filters:
            # The whole listing's newest items are the date index's first.
            return None
        return lambda bottom, top: newest_ids_matching(
            filters, bottom, top, now=self.now
        )

    def list_ordering(self):
        if self.sort == SORT_RELEVANCE:
            return PublicationPaginator.RANKED
        return PublicationPaginator.NEWEST_FIRST

    def ranking_tiers(self):
        if self.sort != SORT_RELEVANCE:
            return None
        filters = dict(self.filters())
        query = filters.pop("query")
        return search_ranking_tiers(
            filter_publications(Publication.objects.live(now=self.now), **filters),
            query,
        )

    def get_queryset(self):
        publications = filter_publications(
            Publication.objects.live(now=self.now), **self.filters()
        )
        if self.sort == SORT_DATE:
            publications = publications.newest_first()
        return card_rows(publications)

    def get_context_data(self, **kwargs):
        # The page first: its count is the request's first shared-cache
        # read, which also brings the content version the rest relies on.
        context = super().get_context_data(**kwargs)
        submitted = self.submitted_filters
        values = submitted.values()
        form = PublicationFilterForm(
            initial=values,
            options=self.filter_options(),
            exclude=self.excluded_filters,
        )
        # Page links keep the chosen order of search results.
        searching_by_date = values.get("q") and self.sort == SORT_DATE
        kept_sort = {"sort": SORT_DATE} if searching_by_date else {}
        context.update(
            form=form,
            filter_query={**values, **kept_sort},
            active_filters=[
                {
                    "label": form.fields[name].label,
                    "value": form.label_for(name, value),
                    "remove_query": {**values, name: None},
                }
                for name, value in values.items()
            ],
            ignored_fields=submitted.ignored_fields(),
            search_query=values.get("q", ""),
            sort=self.sort,
        )
        # Names the active filters in the heading and title: "Type: Special
        # Report, Topic: Mediation"; a search names its query itself.
        context["filter_summary"] = ", ".join(
            f"{form.fields[name].label}: {form.label_for(name, value)}"
            for name, value in values.items()
            if name != "q"
        )
        context["cards"] = publication_cards(context["object_list"])
        add_page_keys(
            self.request,
            listing_keys(self.filters()) | _card_keys(context["object_list"]),
        )
        return context


class TopicDetailView(PublicationListView):
    """One topic's live publications, with the listing's other filters."""

    template_name = "publications/topic_detail.html"
    section = "topics"
    excluded_filters = ("topic",)

    def get(self, request, *args, **kwargs):
        self.topic = topic_for_slug(kwargs["slug"], now=self.now)
        if self.topic is None:
            if moved := topic_moved_from(kwargs["slug"], now=self.now):
                return _moved_permanently(request, "topic-detail", moved.slug)
            raise Http404(_("No topic found with that name."))
        return super().get(request, *args, **kwargs)

    def fixed_filters(self):
        return {"topic_id": self.topic.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class TopicListView(PublicViewMixin, ListView):
    template_name = "publications/topic_list.html"
    context_object_name = "topics"
    section = "topics"

    def get_queryset(self):
        return remember(
            "topic-index",
            lambda: list(live_topics(now=self.now)),
            now=self.now,
            in_process=True,
        )


class _PaginatedOwnerView(_PublicationPagesMixin, PublicViewMixin, ListView):
    """A page about one author or series followed by its live publications."""

    paginate_by = LIST_PAGE_SIZE
    owner_model = None
    # Its pages' surrogate key is "<prefix>-<owner's id>".
    page_key_prefix = None
    # A selector: the owner with this slug if it has something live, or None.
    owner_for_slug = None

    def count_key(self):
        return f"{self.owner_model._meta.label}:{self.owner.pk}"

    def get(self, request, *args, **kwargs):
        # Nothing public yet answers as an unknown slug does, word for word.
        self.owner = self.owner_for_slug(kwargs["slug"], now=self.now)
        if self.owner is None and may_preview(request.user):
            self.owner = self.owner_model.objects.filter(slug=kwargs["slug"]).first()
        if self.owner is None:
            raise Http404(_("Nothing has been published here."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = publication_cards(context["object_list"], heading_level=3)
        add_page_keys(
            self.request,
            {f"{self.page_key_prefix}-{self.owner.pk}"}
            | _card_keys(context["object_list"]),
        )
        return context


class AuthorListView(PublicViewMixin, ListView):
    template_name = "publications/author_list.html"
    context_object_name = "authors"
    paginate_by = 100
    section = "authors"

    def get_queryset(self):
        return remember(
            "author-index",
            lambda: list(live_authors(now=self.now).only("slug", "name", "position")),
            now=self.now,
            in_process=True,
        )


class AuthorDetailView(_PaginatedOwnerView):
    template_name = "publications/author_detail.html"
    owner_model = Author
    owner_for_slug = staticmethod(author_for_slug)
    page_key_prefix = "author"
    section = "authors"

    def get_queryset(self):
        return card_rows(
            Publication.objects.live(now=self.now)
            .newest_first()
            .filter(authorships__author=self.owner)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.owner, **kwargs)


class SeriesListView(PublicViewMixin, ListView):
    template_name = "publications/series_list.html"
    context_object_name = "series_list"
    section = "series"

    def get_queryset(self):
        return remember(
            "series-index",
            lambda: list(live_series(now=self.now)),
            now=self.now,
            in_process=True,
        )


class SeriesDetailView(_PaginatedOwnerView):
    template_name = "publications/series_detail.html"
    owner_model = Series
    owner_for_slug = staticmethod(series_for_slug)
    page_key_prefix = "series"
    section = "series"

    def get_queryset(self):
        return card_rows(series_reports(self.owner, now=self.now))

    def list_ordering(self):
        return PublicationPaginator.OTHER

    def get_context_data(self, **kwargs):
        return super().get_context_data(series=self.owner, **kwargs)


def _card_keys(publications):
    """The keys of the items a list page shows: an edit of one alters the page.

    (An edit that moves an item in or out of lists alters the lists' own
    keys too: publications.caching.surrogates.)
    """
    return {publication_key(publication.pk) for publication in publications}


def _moved_permanently(request, viewname, slug):
    """Answer a permanent redirect to *slug*'s page, keeping the query string."""
    url = slug_url(f"publications:{viewname}", slug)
    if query := request.GET.urlencode():
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)
