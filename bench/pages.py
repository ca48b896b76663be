"""The pages the site benchmark measures, chosen from the seeded data."""

from urllib.parse import urlencode

# Loaded at 32 connections with the page cache off (the report page also on).
LOADED_PAGES = (
    "report",
    "listing page 1",
    "listing deep page",
    "listing by topic",
    "search",
    "author page",
    "RSS feed",
)
# Listings that must answer within the one-connection target.
FILTERED_PAGES = (
    "listing by topic",
    "listing by rare topic",
    "listing by type",
    "listing by series",
    "listing by author",
    "listing by year",
    "search",
)
# JSON API pages that must answer within API_P50_MS at one connection.
API_PAGES = (
    "API publications",
    "API publications by topic",
    "API publication",
)
API_PAGE_SIZE = 50
# Two-filter listings timed cold: a type and one of the most used topics,
# a different pair each request (issue 17).
COLD_TOPICS = 100
COLD_REQUESTS = 200
DEEP_PAGE = 4_000
# A place and a subject, as readers search; it matches a few percent of items.
SEARCH_QUERY = "Sudan water"
RARE_TOPIC_RANK = 100


def pick_urls():
    """Return ({page name: path}, notes saying what was chosen and why)."""
    from django.db.models import Count

    from authors.models import Author
    from publications.models import Publication, Report, Series, TaggedPublication
    from publications.selectors import filter_publications
    from publications.views import LIST_PAGE_SIZE

    live = Publication.objects.live()
    report = (
        Report.objects.live()
        .filter(series__isnull=False)
        .exclude(authorships=None)
        .order_by("-publish_at", "-pk")
        .first()
    )
    topics = list(
        TaggedPublication.objects.filter(content_object__in=live)
        .values("tag__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__slug")
        .values_list("tag__slug", "count")
    )
    rare_topic = topics[min(RARE_TOPIC_RANK, len(topics) - 1)]
    author = (
        Author.objects.filter(publications__in=live)
        .annotate(count=Count("publications"))
        .order_by("-count", "pk")
        .first()
    )
    series = (
        Series.objects.filter(reports__in=Report.objects.live())
        .annotate(count=Count("reports"))
        .order_by("-count", "pk")
        .first()
    )
    publication_type = (
        live.values_list("publication_type__slug", flat=True)
        .annotate(count=Count("pk"))
        .order_by("-count")
        .first()
    )
    newest = live.order_by("-publish_at").first()
    year = newest.publish_at.year - 1
    pages = -(-live.count() // LIST_PAGE_SIZE)
    deep = min(DEEP_PAGE, pages)
    matches = filter_publications(live, query=SEARCH_QUERY).count()
    urls = {
        "report": report.get_absolute_url(),
        "listing page 1": "/publications/",
        "listing deep page": f"/publications/?page={deep}",
        "listing by topic": "/publications/?topic=" + topics[0][0],
        "listing by rare topic": "/publications/?topic=" + rare_topic[0],
        "listing by type": f"/publications/?type={publication_type}",
        "listing by series": f"/publications/?series={series.slug}",
        "listing by author": f"/publications/?author={author.slug}",
        "listing by year": f"/publications/?year={year}",
        "listing by type and topic": f"/publications/?type={publication_type}"
        f"&topic={topics[0][0]}",
        "search": "/publications/?" + urlencode({"q": SEARCH_QUERY}),
        "author page": author.get_absolute_url(),
        "RSS feed": "/feeds/publications/",
        "API publications": f"/api/v1/publications/?page_size={API_PAGE_SIZE}",
        "API publications by topic": f"/api/v1/publications/?page_size="
        f"{API_PAGE_SIZE}&topic={topics[0][0]}",
        "API publication": f"/api/v1/publications/{report.slug}/",
    }
    notes = [
        f"report: the newest live report in a series, {report.slug}, "
        f"{report.tags.count()} topics",
        f"deep page: {deep:,} of {pages:,}",
        f"topic: the most used, {topics[0][0]} ({topics[0][1]:,} live items); "
        f"rare topic: rank {RARE_TOPIC_RANK + 1}, {rare_topic[0]} "
        f"({rare_topic[1]:,})",
        f"author: the most prolific, {author.slug} ({author.count:,} items)",
        f"series: the longest, {series.slug} ({series.count:,} reports)",
        f"type: the most used, {publication_type}; year: {year}",
        f"search: {SEARCH_QUERY!r} matches {matches:,} live items",
    ]
    return urls, notes


def two_filter_paths(count=COLD_REQUESTS):
    """Return *count* listing paths, each a different type and topic pair.

    Pairs of every live type and the COLD_TOPICS most used topics, in an
    order fixed by a seed, so the popular and the rare both come up.
    """
    import random

    from django.db.models import Count

    from publications.models import Publication, TaggedPublication

    live = Publication.objects.live()
    types = sorted(set(live.values_list("publication_type__slug", flat=True)))
    topics = list(
        TaggedPublication.objects.filter(content_object__in=live)
        .values("tag__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__slug")
        .values_list("tag__slug", flat=True)[:COLD_TOPICS]
    )
    pairs = [(kind, topic) for kind in types for topic in topics]
    random.Random(17).shuffle(pairs)
    return [
        f"/publications/?type={kind}&topic={topic}" for kind, topic in pairs[:count]
    ]


def plan_pages(urls):
    """Return the pages whose queries are EXPLAINed: listings, filters, search."""
    names = (
        "listing by type and topic",
        "listing page 1",
        "listing deep page",
        *FILTERED_PAGES,
        "report",
        "author page",
        "RSS feed",
    )
    return {name: urls[name] for name in names}
