"""The demo's reports (see publications.demo_content, which lists them too)."""

from publications.states import State

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
        "authors": ["tomasz-wierzbicki", "anna-van-der-berg"],
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
        "authors": ["chen-meiling", "tomasz-wierzbicki", "daniel-osei"],
        "tags": ["Central Asia", "Conflict Prevention", "Global Policy"],
        "pdf": True,
        "pins": [],
    },
]
