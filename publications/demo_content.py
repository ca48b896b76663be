"""Sample content for a fictional peace-and-security institute.

Every text here was written for Folio's demo; names of people and places that
sound real are invented. ``load_demo`` keys everything on slugs, so editing a
text here and running the command again updates the item in place.
"""

from publications.states import State

# "days_ago" dates an item relative to the first run, so the demo looks recent;
# the item marked "scheduled" goes live this many days after the run.
SCHEDULED_IN_DAYS = 21

AUTHORS = [
    {
        "slug": "helena-marsh",
        "name": "Helena Marsh",
        "position": "Senior fellow and director, Centre for Mediation and Dialogue",
        "affiliation": "Folio Institute",
        "website": "https://example.org/people/helena-marsh",
        "bio": (
            "<p>Helena Marsh leads the institute's work on negotiated settlements. "
            "Before joining Folio she spent twelve years as a mediation adviser, "
            "supporting talks between armed groups and governments in East Africa "
            "and the Caucasus.</p>"
            "<p>Her research looks at how local agreements can be joined up into "
            "national peace processes without losing the trust that made them "
            "possible.</p>"
        ),
        "color": (38, 70, 110),
    },
    {
        "slug": "tomasz-wierzbicki",
        "name": "Tomasz Wierzbicki",
        "position": "Research fellow, Programme on Climate and Security",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Tomasz Wierzbicki studies how droughts, floods and shifting "
            "rainfall change the way communities share land and water. He has "
            "carried out field research in the Sahel and in Central Asia and "
            "previously worked as a hydrologist for a river-basin authority.</p>"
        ),
        "color": (46, 104, 84),
    },
    {
        "slug": "nadia-rahimi",
        "name": "Nadia Rahimi",
        "position": "Senior adviser, Gender and Inclusion",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Nadia Rahimi advises negotiating teams on the inclusion of women "
            "and young people in peace talks. She has trained more than four "
            "hundred civil-society mediators and writes on the design of "
            "consultation processes.</p>"
            "<p>She holds a doctorate in political science and teaches a summer "
            "course on inclusive mediation.</p>"
        ),
        "color": (120, 60, 90),
    },
    {
        "slug": "daniel-osei",
        "name": "Daniel Osei",
        "position": "Program officer, Elections and Governance",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Daniel Osei works on preventing violence around elections. He "
            "coordinates the institute's network of election observers and "
            "researchers and has advised electoral commissions on early-warning "
            "systems.</p>"
        ),
        "color": (150, 96, 40),
    },
]

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

REPORTS = [
    {
        "slug": "local-ceasefires-path-to-national-talks",
        "type": "special-report",
        "number": 312,
        "title": (
            "Talking Before the Guns Fall Silent: Local Ceasefires and the Path "
            "to National Talks"
        ),
        "days_ago": 12,
        "teaser": (
            "Local ceasefires are often dismissed as stopgaps. Drawing on "
            "ninety agreements reached in four conflicts, this report finds "
            "that well-designed local deals can build the relationships and "
            "monitoring habits a national process later depends on."
        ),
        "summary": [
            "Of the ninety local ceasefires studied, two thirds held for at "
            "least six months, and those with a joint monitoring committee "
            "held twice as long as those without one.",
            "Local agreements rarely failed because of local disputes; most "
            "collapsed when national actors ignored or overruled them.",
            "Mediators who recorded the terms in writing and shared them with "
            "both communities saw fewer violations in the first month.",
            "National negotiators can build on local deals by inviting their "
            "monitors into ceasefire working groups rather than starting anew.",
        ],
        "about": (
            "<p>The report draws on interviews with 140 mediators, commanders "
            "and community leaders carried out between 2024 and 2026, and on "
            "the written texts of ninety local agreements.</p>"
            "<p>Draft findings were discussed with practitioners at two closed "
            "workshops before publication.</p>"
        ),
        "body": (
            "<h2>Why local agreements matter</h2>"
            "<p>When national talks stall, fighting rarely stops on its own. In "
            "the meantime, village elders, clergy and local commanders often "
            "negotiate their own arrangements: safe passage to a market, a "
            "pause during the harvest, the exchange of detainees.</p>"
            "<h2>What made agreements last</h2>"
            "<ul><li>A written text both sides kept a copy of.</li>"
            "<li>A joint committee that met weekly, even when nothing had "
            "happened.</li><li>A channel to national authorities that could "
            "stop a spoiler.</li></ul>"
            "<blockquote><p>We did not trust each other. We trusted the "
            "committee.</p></blockquote>"
            "<h2>Recommendations</h2>"
            "<p>National negotiators should map the local agreements in force "
            "before drafting a national ceasefire and invite their monitors "
            "into the technical working groups.</p>"
        ),
        "series": "mediation-in-practice",
        "series_position": 1,
        "authors": ["helena-marsh", "nadia-rahimi", "daniel-osei"],
        "tags": ["Mediation", "Ceasefires", "Peace Processes", "Horn of Africa"],
        "pdf": True,
        "pins": ["qa-what-a-ceasefire-monitor-does", "mediators-toolkit-launch"],
    },
    {
        "slug": "rivers-without-borders",
        "type": "peace-brief",
        "number": 88,
        "title": "Rivers Without Borders: Shared Water and Cooperation Upstream",
        "days_ago": 40,
        "teaser": (
            "Three countries share the upper basin of a river whose flow has "
            "fallen by a fifth in a decade. This brief sets out how a joint "
            "data-sharing agreement could lower tensions before the next "
            "dry year."
        ),
        "summary": [
            "River flow in the upper basin has fallen by about 20 percent "
            "since 2015, while irrigated land has grown.",
            "Each country measures the river differently, so every shortage "
            "becomes a dispute about whose numbers are right.",
            "A shared network of gauges, with data published daily, would "
            "cost less than one season of lost harvests.",
        ],
        "about": (
            "<p>Based on twenty years of gauge records shared by the three "
            "basin authorities and on interviews with irrigation officials.</p>"
        ),
        "body": "",
        "series": "climate-water-and-conflict",
        "series_position": 1,
        "authors": ["tomasz-wierzbicki"],
        "tags": ["Climate and Security", "Water", "Central Asia"],
        "pdf": True,
        "pins": [],
    },
    {
        "slug": "ballots-and-barricades",
        "type": "special-report",
        "number": 313,
        "title": "Ballots and Barricades: Reducing Violence Around Contested Elections",
        "days_ago": 75,
        "teaser": (
            "Most election violence happens before voting day, not after it. "
            "This report reviews early-warning systems in six countries and "
            "shows which signals gave officials time to act."
        ),
        "summary": [
            "Three quarters of the incidents recorded took place in the eight "
            "weeks before the vote.",
            "Reports from local observers reached decision makers on average "
            "four days earlier than media coverage.",
            "Early warning only worked where someone was responsible for "
            "acting on it, with a budget to do so.",
            "Joint statements by rival candidates reduced incidents in the "
            "districts where they were broadcast on local radio.",
        ],
        "about": (
            "<p>Written with the institute's network of election observers. "
            "Field data were gathered by partner organisations in each "
            "country.</p>"
        ),
        "body": "",
        "series": None,
        "series_position": None,
        "authors": ["daniel-osei", "helena-marsh"],
        "tags": ["Elections", "Conflict Prevention", "Global Policy"],
        "pdf": True,
        "pins": [],
    },
    {
        "slug": "after-the-mission-leaves",
        "type": "peaceworks",
        "number": 41,
        "title": (
            "After the Mission Leaves: Sustaining Peace When Peacekeepers Withdraw"
        ),
        "days_ago": 110,
        "teaser": (
            "When a peacekeeping mission closes, the services it quietly "
            "provided, from road patrols to radio stations, often close with "
            "it. This study follows three transitions and the gaps they left."
        ),
        "summary": [
            "Missions provided many services that no national institution "
            "was ready to take over on the day they left.",
            "Local radio run by missions was among the most trusted sources of "
            "information, and the hardest to replace.",
            "Transitions planned over three years or more kept more of the "
            "gains than those decided within a single budget cycle.",
        ],
        "about": (
            "<p>This study was supported by the institute's peace operations "
            "team and reviewed by former mission staff.</p>"
        ),
        "body": (
            "<h2>Three transitions</h2>"
            "<p>The study follows the closure of three missions and asks what "
            "residents noticed first when the blue helmets left.</p>"
        ),
        "series": None,
        "series_position": None,
        "authors": ["helena-marsh"],
        "tags": ["Peacekeeping", "Peace Processes", "Global Policy"],
        "pdf": False,
        "pins": [],
    },
    {
        "slug": "dry-seasons-hard-choices",
        "type": "discussion-paper",
        "number": 7,
        "title": (
            "Dry Seasons, Hard Choices: Pastoralism, Drought and Local Conflict "
            "in the Sahel"
        ),
        "days_ago": 150,
        "teaser": (
            "Herders and farmers have shared the same land for generations. "
            "Longer droughts are changing when and where they meet. This paper "
            "asks which local institutions still settle disputes, and why some "
            "have stopped working."
        ),
        "summary": [
            "Disputes over crop damage now peak a month earlier than twenty "
            "years ago, as herds move south sooner.",
            "Customary committees that included both herders and farmers "
            "resolved most cases without violence.",
            "Where those committees were replaced by distant courts, cases "
            "took longer and more often ended in reprisals.",
            "Marked livestock corridors, agreed locally, cut reported "
            "incidents in half in the districts that adopted them.",
            "Support to local committees is cheap and should come before "
            "large infrastructure projects.",
        ],
        "about": (
            "<p>Field research in twelve districts with local research "
            "partners, who also reviewed the findings.</p>"
        ),
        "body": "",
        "series": "climate-water-and-conflict",
        "series_position": 2,
        "authors": ["tomasz-wierzbicki", "nadia-rahimi"],
        "tags": ["Climate and Security", "Sahel", "Conflict Prevention", "Water"],
        "pdf": True,
        "pins": [],
    },
    {
        "slug": "inside-the-room-women-negotiators",
        "type": "peace-brief",
        "number": 89,
        "title": "Inside the Room: What Women Negotiators Change in Peace Talks",
        "days_ago": 200,
        "teaser": (
            "Women remain a small minority of negotiators. Interviews with "
            "thirty of them show that their influence depends less on numbers "
            "than on which committees they sit on."
        ),
        "summary": [
            "Women negotiators had the most influence when they sat on the "
            "committees drafting ceasefire and security provisions.",
            "Consultations held outside the talks were useful only when their "
            "results were formally presented to the parties.",
            "Several negotiators described informal networks across the "
            "parties that kept talks alive during walkouts.",
        ],
        "about": (
            "<p>The interviews were conducted in confidence; no negotiator is "
            "named.</p>"
        ),
        "body": "",
        "series": "mediation-in-practice",
        "series_position": 2,
        "authors": ["nadia-rahimi", "helena-marsh"],
        "tags": ["Gender and Peacebuilding", "Mediation", "Peace Processes"],
        "pdf": True,
        "pins": [],
    },
    {
        "slug": "young-connected-excluded",
        "type": "special-report",
        "number": 314,
        "title": (
            "Young, Connected and Excluded: Youth Movements in Political Transitions"
        ),
        "days_ago": 260,
        "teaser": (
            "Young people organised the protests that opened several recent "
            "transitions, then found themselves left out of the negotiations "
            "that followed. This report looks at what kept them at the table "
            "where they stayed."
        ),
        "summary": [
            "Youth movements were represented in only two of the nine "
            "transition dialogues studied.",
            "Where they were included, they pushed for public reporting of "
            "the dialogue's progress.",
            "Quotas alone did not help: delegates chosen by party leaders "
            "rarely kept the trust of the movements.",
        ],
        "about": (
            "<p>Prepared with youth researchers in four countries, who "
            "co-designed the interview questions.</p>"
        ),
        "body": "",
        "series": None,
        "series_position": None,
        "authors": ["daniel-osei", "nadia-rahimi"],
        "tags": ["Youth", "Elections", "Peace Processes"],
        "pdf": False,
        "pins": [],
    },
    {
        "slug": "borderlands-in-transition",
        "type": "special-report",
        "number": 315,
        "title": (
            "Borderlands in Transition: Trade, Smuggling and Security in Central Asia"
        ),
        "status": State.SCHEDULED,
        "teaser": (
            "Border markets feed whole valleys, and the same routes carry "
            "contraband. This report, released on embargo, asks how closing "
            "a crossing changes local security."
        ),
        "summary": [
            "Closing border markets cut household incomes in nearby villages "
            "by up to a third within a year.",
            "Smuggling did not stop when crossings closed; it moved to routes "
            "controlled by armed groups.",
            "Joint customs posts with local hiring reduced both smuggling and "
            "complaints about officials.",
        ],
        "about": (
            "<p>Embargoed until publication. Research for this report was "
            "carried out with two regional universities.</p>"
        ),
        "body": "",
        "series": None,
        "series_position": None,
        "authors": ["tomasz-wierzbicki", "daniel-osei"],
        "tags": ["Central Asia", "Conflict Prevention", "Global Policy"],
        "pdf": True,
        "pins": [],
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
