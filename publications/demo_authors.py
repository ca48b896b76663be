"""The demo's authors (see publications.demo_content, which lists them too).

Each has its name as written and its parts: given names and family name.
"""

AUTHORS = [
    {
        "slug": "helena-marsh",
        "name": "Helena Marsh",
        "given_names": "Helena",
        "family_name": "Marsh",
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
        "given_names": "Tomasz",
        "family_name": "Wierzbicki",
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
        "given_names": "Nadia",
        "family_name": "Rahimi",
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
        "given_names": "Daniel",
        "family_name": "Osei",
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
    {
        "slug": "chen-meiling",
        # Written family name first: cited as "Chen, Meiling", filed under C.
        "name": "Chen Meiling",
        "given_names": "Meiling",
        "family_name": "Chen",
        "position": "Visiting fellow, Programme on Climate and Security",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Chen Meiling studies cross-border trade and the informal rules "
            "that keep frontier markets open in times of tension.</p>"
        ),
        "color": (70, 90, 130),
    },
    {
        "slug": "anna-van-der-berg",
        # A family name with particles, filed under "van der Berg".
        "name": "Anna van der Berg",
        "given_names": "Anna",
        "family_name": "van der Berg",
        "position": "Research associate, Programme on Climate and Security",
        "affiliation": "Folio Institute",
        "website": "",
        "bio": (
            "<p>Anna van der Berg works on shared rivers and the treaties that "
            "govern them, after a decade as a water engineer.</p>"
        ),
        "color": (60, 110, 120),
    },
]
