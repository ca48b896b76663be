"""Sample content for a fictional peace-and-security institute.

Every text here was written for Folio's demo; names of people and places that
sound real are invented. ``load_demo`` keys everything on slugs, so editing a
text here (or in publications.demo_reports) and running the command again
updates the item in place.
"""

from publications import demo_catalogue
from publications.demo_authors import AUTHORS
from publications.demo_reports import REPORTS
from publications.states import State

# "days_ago" dates an item relative to the first run, so the demo looks recent;
# the item marked "scheduled" goes live this many days after the run.
SCHEDULED_IN_DAYS = 21

SERIES = [
    {
        "slug": "mediation-in-practice",
        "title": "Mediation in Practice",
        "commissioned_by": "Centre for Mediation and Dialogue",
        "description": (
            "<p>Practical studies for people who run or support peace talks: what "
            "worked, what did not, and what a mediator can do differently on "
            "Monday morning.</p>"
        ),
    },
    {
        "slug": "climate-water-and-conflict",
        "title": "Climate, Water and Conflict",
        "commissioned_by": "Programme on Climate and Security",
        "description": (
            "<p>How a changing climate alters the competition for land, water and "
            "livelihoods, and how communities and governments can keep that "
            "competition peaceful.</p>"
        ),
    },
]


RELATED = [
    {
        "slug": "qa-what-a-ceasefire-monitor-does",
        "type": "question-and-answer",
        "title": "What Does a Ceasefire Monitor Actually Do?",
        "days_ago": 10,
        "teaser": (
            "Helena Marsh explains who monitors local ceasefires, what they "
            "write down and why the dull weekly meetings matter most."
        ),
        "body": (
            "<h3>Who are the monitors?</h3><p>Usually people both sides already "
            "know: teachers, retired officers, market leaders.</p>"
            "<h3>What do they record?</h3><p>Every reported incident, who "
            "reported it and what was done about it.</p>"
        ),
        "authors": ["helena-marsh"],
        "tags": ["Ceasefires", "Mediation"],
    },
    {
        "slug": "mediators-toolkit-launch",
        "type": "event",
        "title": "Launch: The Local Mediator's Toolkit",
        "days_ago": 8,
        "teaser": (
            "A public launch of the institute's toolkit for community "
            "mediators, with a panel of practitioners from three regions."
        ),
        "body": (
            "<p>The toolkit gathers checklists, sample agreements and training "
            "exercises used by local mediators. The launch includes a panel "
            "discussion and questions from the audience.</p>"
        ),
        "authors": ["helena-marsh", "nadia-rahimi"],
        "tags": ["Mediation", "Peace Processes"],
    },
    {
        "slug": "why-data-sharing-calms-river-disputes",
        "type": "analysis",
        "title": "Why Sharing River Data Calms Disputes",
        "days_ago": 35,
        "teaser": (
            "When neighbours read the same gauge, arguments move from whose "
            "numbers are right to what to do about them."
        ),
        "body": (
            "<p>Disputes over shared rivers often begin as disputes over "
            "measurement. A common set of figures does not end disagreement, "
            "but it changes what the disagreement is about.</p>"
        ),
        "authors": ["tomasz-wierzbicki"],
        "tags": ["Water", "Climate and Security", "Central Asia"],
    },
    {
        "slug": "commentary-election-season-early-warning",
        "type": "commentary",
        "title": "Early Warning Needs Early Action",
        "days_ago": 70,
        "teaser": (
            "Election early-warning systems are good at spotting trouble. "
            "They are much worse at making sure someone responds."
        ),
        "body": (
            "<p>An alert that nobody is responsible for answering is only a "
            "record of what went wrong. Budgets and clear mandates matter as "
            "much as the data.</p>"
        ),
        "authors": ["daniel-osei"],
        "tags": ["Elections", "Conflict Prevention"],
    },
    {
        "slug": "news-new-climate-security-fellows",
        "type": "news",
        "title": "Institute Welcomes Four Climate and Security Fellows",
        "days_ago": 95,
        "teaser": (
            "Four researchers from the Sahel and Central Asia join the "
            "Programme on Climate and Security for a year of fieldwork."
        ),
        "body": (
            "<p>The fellows will study local responses to drought and "
            "flooding and will publish their findings in the Climate, Water "
            "and Conflict series.</p>"
        ),
        "authors": [],
        "tags": ["Climate and Security", "Sahel", "Central Asia"],
    },
    {
        "slug": "analysis-peacekeeping-radio",
        "type": "analysis",
        "title": "The Radio Station Nobody Planned to Close",
        "days_ago": 105,
        "teaser": (
            "Mission radio stations were among the most trusted voices in "
            "the places they served. Their closure deserves more attention."
        ),
        "body": (
            "<p>In each transition studied, residents named the mission's "
            "radio as the service they missed most.</p>"
        ),
        "authors": ["helena-marsh"],
        "tags": ["Peacekeeping", "Global Policy"],
    },
    {
        "slug": "qa-herders-farmers-committees",
        "type": "question-and-answer",
        "title": "How Do Village Committees Settle Herder–Farmer Disputes?",
        "days_ago": 145,
        "teaser": (
            "Tomasz Wierzbicki on the local committees that still resolve "
            "most disputes over crop damage, and what weakens them."
        ),
        "body": (
            "<h3>Who sits on a committee?</h3><p>Representatives of herders and "
            "farmers, often with a respected third party.</p>"
        ),
        "authors": ["tomasz-wierzbicki"],
        "tags": ["Sahel", "Conflict Prevention", "Climate and Security"],
    },
    {
        "slug": "event-women-in-ceasefire-committees",
        "type": "event",
        "title": "Panel: Women in Ceasefire Committees",
        "days_ago": 190,
        "teaser": (
            "Negotiators and monitors discuss what changes when women sit on "
            "the committees that draft security arrangements."
        ),
        "body": (
            "<p>A recorded panel with three negotiators and a ceasefire "
            "monitor, chaired by Nadia Rahimi.</p>"
        ),
        "authors": ["nadia-rahimi"],
        "tags": ["Gender and Peacebuilding", "Ceasefires", "Mediation"],
    },
    {
        "slug": "podcast-youth-movements",
        "type": "commentary",
        "title": "Podcast: Youth Movements After the Protests",
        "days_ago": 250,
        "teaser": (
            "A conversation with Daniel Osei on what happens to protest "
            "movements once negotiations begin, hosted by a partner podcast."
        ),
        "external_url": "https://example.org/podcasts/youth-movements-after-protests",
        "authors": ["daniel-osei"],
        "tags": ["Youth", "Elections"],
    },
    {
        "slug": "news-mediation-course-applications",
        "type": "news",
        "title": "Applications Open for the Inclusive Mediation Course",
        "days_ago": 300,
        "teaser": (
            "The institute's two-week course for civil-society mediators "
            "accepts applications until the end of next month."
        ),
        "body": (
            "<p>The course combines case studies, negotiation exercises and "
            "mentoring by experienced mediators.</p>"
        ),
        "authors": ["nadia-rahimi"],
        "tags": ["Mediation", "Gender and Peacebuilding", "Youth"],
    },
    {
        "slug": "analysis-border-markets",
        "type": "analysis",
        "title": "When a Border Market Closes",
        "days_ago": 330,
        "teaser": (
            "Border markets are more than trade: they are where neighbours "
            "meet. Closing them can make a border less safe, not more."
        ),
        "body": (
            "<p>Field interviews in three valleys show how closures pushed "
            "traders toward routes run by armed groups.</p>"
        ),
        "authors": ["tomasz-wierzbicki", "daniel-osei"],
        "tags": ["Central Asia", "Conflict Prevention"],
    },
    {
        "slug": "commentary-after-the-walkout",
        "type": "commentary",
        "title": "After the Walkout: Keeping Talks Alive",
        "status": State.DRAFT,
        "teaser": (
            "Walkouts are part of most negotiations. What matters is who "
            "keeps talking in the corridor while the delegations are away."
        ),
        "body": (
            "<p>A draft commentary on the informal channels that carry talks "
            "through a suspension.</p>"
        ),
        "authors": ["nadia-rahimi", "helena-marsh"],
        "tags": ["Mediation", "Peace Processes"],
    },
]


# The draft a demo contributor has submitted, so the review queue has an item.
WAITING_FOR_REVIEW = "commentary-after-the-walkout"
DEMO_CONTRIBUTOR = {
    "username": "demo-contributor",
    "first_name": "Casey",
    "last_name": "Contributor",
    "email": "contributor@example.org",
}
SUBMISSION_COMMENT = "Ready for a first look; the ending still feels abrupt."

# The generated back catalogue, so that lists page and filters narrow.
AUTHORS = [*AUTHORS, *demo_catalogue.AUTHORS]
REPORTS = [*REPORTS, *demo_catalogue.catalogue_reports()]
RELATED += demo_catalogue.catalogue_related()

__all__ = [
    "AUTHORS",
    "DEMO_CONTRIBUTOR",
    "RELATED",
    "REPORTS",
    "SCHEDULED_IN_DAYS",
    "SERIES",
    "SUBMISSION_COMMENT",
    "WAITING_FOR_REVIEW",
]
