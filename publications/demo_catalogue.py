"""More demo items, made from short word lists, so lists page and filter.

publications.demo_content holds the hand-written items; these fill the back
catalogue around them: reports of every type, analysis, commentary, news,
events and interviews over three years, by seven authors, on the same
topics. Everything is derived from the item's number, so each run of
``load_demo`` makes the same items with the same slugs (and updates them
in place).
"""

# (topic, a phrase for titles, what the work is about)
THEMES = [
    ("Mediation", "Local Mediation", "how local mediators bring armed groups to talk"),
    ("Water", "Shared Water", "how neighbours share rivers, wells and aquifers"),
    ("Elections", "Election Security", "keeping elections free of violence"),
    ("Ceasefires", "Ceasefire Monitoring", "how ceasefires are watched and kept"),
    ("Youth", "Young Peacebuilders", "what young people do for peace at home"),
    (
        "Gender and Peacebuilding",
        "Women in Peace Talks",
        "the place of women at the negotiating table",
    ),
    ("Peacekeeping", "Peacekeeping Transitions", "what follows when missions leave"),
    (
        "Climate and Security",
        "Climate Stress",
        "how drought and floods change local conflicts",
    ),
]
# (region topic, a place in that region)
PLACES = [
    ("Sahel", "the Central Sahel"),
    ("Horn of Africa", "the Horn of Africa"),
    ("Central Asia", "the Ferghana Valley"),
    ("Sahel", "the Lake Chad Basin"),
    ("Central Asia", "the Amu Darya Basin"),
    ("Horn of Africa", "the Ethiopian Highlands"),
]
ANGLES = [
    "Lessons from Ten Years of Practice",
    "What Works and What Does Not",
    "A Guide for Practitioners",
    "Evidence from Three Provinces",
    "Options for Donors",
]
AUTHORS = [
    {
        "slug": "amara-diallo",
        "name": "Amara Diallo",
        "given_names": "Amara",
        "family_name": "Diallo",
        "position": "Research fellow, Programme on West Africa",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Amara Diallo studies local peace committees and the "
            "traditional authorities who sit on them. She has carried out "
            "fieldwork in Mali, Niger and Burkina Faso.</p>"
        ),
        "color": (96, 64, 120),
    },
    {
        "slug": "jonas-lindqvist",
        "name": "Jonas Lindqvist",
        "given_names": "Jonas",
        "family_name": "Lindqvist",
        "position": "Senior adviser, Peace Operations",
        "affiliation": "Folio Institute",
        "website": "https://example.org/people/jonas-lindqvist",
        "bio": (
            "<p>Jonas Lindqvist served for fifteen years in peace operations "
            "before joining the institute, where he writes on mission "
            "transitions and the protection of civilians.</p>"
        ),
        "color": (40, 96, 120),
    },
    {
        "slug": "leyla-karimova",
        "name": "Leyla Karimova",
        "given_names": "Leyla",
        "family_name": "Karimova",
        "position": "Program officer, Central Asia",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Leyla Karimova works with water user associations and local "
            "governments on cross-border cooperation in Central Asia.</p>"
        ),
        "color": (130, 90, 40),
    },
]
_TEAM = [
    "helena-marsh",
    "tomasz-wierzbicki",
    "nadia-rahimi",
    "daniel-osei",
    *(author["slug"] for author in AUTHORS),
]
# (type, first number): numbers count down from here as items get older,
# below those of the hand-written items of the same type.
_REPORT_TYPES = [
    ("special-report", 299),
    ("peace-brief", 79),
    ("peaceworks", 39),
    ("discussion-paper", 6),
]
_RELATED_TYPES = ["analysis", "commentary", "question-and-answer", "news", "event"]
_SERIES = ["mediation-in-practice", "climate-water-and-conflict", None, None]
REPORT_COUNT = 14
RELATED_COUNT = 18
# A report, then a related item, every DAYS_APART days: three years.
FIRST_DAYS_AGO = 18
DAYS_APART = 31


def _slug(text):
    return "-".join(
        "".join(c for c in word.lower() if c.isalnum()) for word in text.split()
    ).strip("-")


def _parts(n):
    theme, phrase, about = THEMES[n % len(THEMES)]
    region, place = PLACES[n % len(PLACES)]
    authors = [_TEAM[n % len(_TEAM)]]
    if n % 3 == 0:
        authors.append(_TEAM[(n + 3) % len(_TEAM)])
    tags = [theme, region]
    if n % 4 == 1:
        tags.append(THEMES[(n + 1) % len(THEMES)][0])
    return theme, phrase, about, place, authors, tags


def catalogue_reports():
    """Return the generated reports, as publications.demo_reports writes them."""
    reports = []
    counters = {}
    for n in range(REPORT_COUNT):
        theme, phrase, about, place, authors, tags = _parts(n)
        type_slug, first_number = _REPORT_TYPES[n % len(_REPORT_TYPES)]
        number = first_number - counters.get(type_slug, 0)
        counters[type_slug] = counters.get(type_slug, 0) + 1
        angle = ANGLES[n % len(ANGLES)]
        title = f"{phrase} in {place.removeprefix('the ')}: {angle}"
        reports.append(
            {
                "slug": _slug(f"{phrase} {place} {number}"),
                "type": type_slug,
                "number": number,
                "title": title,
                "days_ago": FIRST_DAYS_AGO + 2 * n * DAYS_APART,
                "teaser": (
                    f"This report looks at {about} in {place}. It draws on "
                    f"interviews and local records to ask what outsiders can "
                    f"do to help, and what they should leave alone."
                ),
                "summary": [
                    f"In {place}, {theme.lower()} is shaped more by local "
                    "institutions than by national policy.",
                    "Programmes that worked through existing committees "
                    "lasted longer than those that set up new ones.",
                    "Short funding cycles were the most common reason "
                    "promising work stopped.",
                    "Sharing data between communities lowered tension "
                    "before it changed any outcome.",
                ][: 3 + n % 2],
                "about": (
                    f"<p>The report is based on interviews carried out in "
                    f"{place} and on a review of programme documents. Draft "
                    "findings were discussed with practitioners before "
                    "publication.</p>"
                ),
                "body": (
                    f"<h2>Why {phrase.lower()} matters</h2>"
                    f"<p>The study began with a simple question: {about} "
                    f"in {place}, and what changes when it goes well.</p>"
                    "<h2>Findings</h2><p>Local institutions carried most of "
                    "the work; outside support helped when it was patient "
                    "and predictable.</p>"
                    "<h2>Recommendations</h2><p>Fund for longer, work "
                    "through what exists, and publish what is learned.</p>"
                ),
                "series": _SERIES[n % len(_SERIES)],
                "series_position": None,
                "authors": authors,
                "tags": tags,
                "pdf": False,
                "pins": [],
            }
        )
    return reports


def catalogue_related():
    """Return the generated related items, as demo_content.RELATED writes them."""
    items = []
    for n in range(RELATED_COUNT):
        theme, phrase, about, place, authors, tags = _parts(n + 1)
        type_slug = _RELATED_TYPES[n % len(_RELATED_TYPES)]
        title = {
            "analysis": f"Why {phrase} Matters in {place.removeprefix('the ')}",
            "commentary": f"{phrase}: Time to Listen to {place}",
            "question-and-answer": f"What Does {phrase} Look Like on the Ground?",
            "news": f"New Programme on {phrase} in {place.removeprefix('the ')}",
            "event": f"Panel: {phrase} in {place.removeprefix('the ')}",
        }[type_slug]
        items.append(
            {
                "slug": _slug(f"{type_slug} {phrase} {place} {n}"),
                "type": type_slug,
                "title": title,
                "days_ago": FIRST_DAYS_AGO + (2 * n + 1) * DAYS_APART,
                "teaser": (
                    f"A short {type_slug.replace('-', ' ')} on {about}, with "
                    f"examples from {place}."
                ),
                "body": (
                    f"<p>{phrase} in {place} depends on people who are "
                    "rarely in the news. This piece describes their work and "
                    "what would help them do more of it.</p>"
                ),
                "authors": authors if type_slug != "news" else [],
                "tags": tags,
            }
        )
    return items
