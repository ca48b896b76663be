from django.urls import path, register_converter

from publications import detail_views, discovery_views, feeds, views


class UnicodeSlugConverter:
    """A slug of any letters: taggit makes topic slugs with allow_unicode."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "publications"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "publications/",
        views.PublicationListView.as_view(),
        name="publication-list",
    ),
    path(
        "publications/<slug:slug>/",
        detail_views.PublicationDetailView.as_view(),
        name="publication-detail",
    ),
    path("publications/<slug:slug>/pdf/", detail_views.report_pdf, name="report-pdf"),
    path(
        "publications/<slug:slug>/cite.bib",
        discovery_views.report_bibtex,
        name="report-bibtex",
    ),
    path(
        "publications/<slug:slug>/cite.ris",
        discovery_views.report_ris,
        name="report-ris",
    ),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path(
        "authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"
    ),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<uslug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("feeds/publications/", feeds.LatestPublicationsFeed(), name="feed-latest"),
    path(
        "feeds/publications/atom/",
        feeds.LatestPublicationsAtomFeed(),
        name="feed-latest-atom",
    ),
    path("feeds/topics/<uslug:slug>/", feeds.TopicFeed(), name="feed-topic"),
    path("feeds/authors/<slug:slug>/", feeds.AuthorFeed(), name="feed-author"),
    path("feeds/series/<slug:slug>/", feeds.SeriesFeed(), name="feed-series"),
]
