"""Text for the site benchmark: names, titles and prose with a natural skew.

Words follow Zipf's law over a policy vocabulary followed by a long tail of
made-up words, so that a search term matches a few percent of the
publications, as a place or subject does on a real site, and common words
match most of them.
"""

import itertools
import re

SUBJECTS = """
water security climate migration elections governance corruption justice
reconciliation mediation ceasefire refugees sanctions trade energy food health
women youth religion media technology cyber border police military militia
insurgency terrorism extremism diplomacy negotiation constitution parliament
courts land mining oil gas aid development reconstruction displacement
violence protest transition democracy accountability rights minorities
education infrastructure finance debt drought famine pandemic nuclear
weapons arms alliance peacekeeping monitoring dialogue truth memory
""".split()

PLACES = """
Afghanistan Sudan Ukraine Colombia Myanmar Ethiopia Nigeria Iraq Syria Yemen
Libya Somalia Mali Niger Chad Kenya Uganda Congo Burundi Rwanda Mozambique
Zimbabwe Venezuela Haiti Honduras Guatemala Mexico Peru Bolivia Ecuador
Pakistan India Bangladesh Nepal SriLanka Philippines Indonesia Thailand
Cambodia China Taiwan Korea Japan Mongolia Kazakhstan Uzbekistan Tajikistan
Iran Turkey Georgia Armenia Azerbaijan Russia Belarus Moldova Serbia Kosovo
Bosnia Lebanon Jordan Israel Palestine Egypt Tunisia Algeria Morocco
Sahel Balkans Caucasus Horn Gulf Andes Arctic Pacific Mekong Nile
""".split()

COMMON = """
the of and to in a for on with that by as is are from this at be which
policy government state people local international national public political
security conflict peace country region community process report support new
between new leaders groups forces economic social years change role future
""".split()

TITLE_FORMS = (
    "{Subject} and {subject} in {place}",
    "{place}'s {subject} after the {subject2}",
    "What {subject} means for {place}",
    "The {subject} question in {place}: lessons for {place2}",
    "{Subject}, {subject2} and {subject3} in {place}",
    "How {place} can manage {subject}",
    "{place} and {place2}: {subject} across the border",
    "After the {subject}: {subject2} in {place}",
)

FIRST = """
Amina Ben Carla David Elena Farid Grace Hassan Ines James Karim Laura Maya
Nadia Omar Priya Quentin Rosa Samuel Tanya Usman Vera Walid Xenia Yusuf Zara
Aaron Beatriz Chen Dina Emeka Fatima Gabriel Hana Ivan Julia Kofi Lena Marco
Noor
""".split()
LAST = """
Abbas Baker Castillo Dlamini Eriksen Fischer Garcia Haddad Ibrahim Jensen
Kowalski Lindqvist Mensah Nakamura Okafor Petrov Qureshi Rahman Silva Tanaka
Usmanov Volkov Wright Xu Yilmaz Zhang Achebe Bianchi Cohen Duarte Evans
Ferreira Gupta Hoffman Ivanova Johnson Kim Lopez Moreau Novak Ortiz Park
Quinn Rossi Santos Tran Umar Vargas Weber Young
""".split()
POSITIONS = (
    "Senior expert, {Subject} and {Subject2}",
    "Director, {place} programme",
    "Senior fellow for {subject} policy",
    "Visiting scholar, {Subject} studies",
    "Programme officer, {place} and {place2}",
)
SERIES_WORDS = ("Briefings", "Papers", "Dialogues", "Lessons", "Monitor")
TOPIC_SUFFIXES = (
    "",
    " Policy",
    " and Peace",
    " Research",
    " in Practice",
    " and Conflict",
    " Governance",
)

_SYLLABLES = "ka lo mi ran te su vor el dun pa ri zo an ber tu go fe ish mar".split()


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def person_names(count):
    names = [f"{first} {last}" for last in LAST for first in FIRST]
    return list(itertools.islice(itertools.cycle(names), count))


def topic_names(count):
    bases = [s.capitalize() for s in SUBJECTS] + PLACES
    names = [base + suffix for suffix in TOPIC_SUFFIXES for base in bases]
    return names[:count]


def series_titles(count):
    bases = [s.capitalize() for s in SUBJECTS] + PLACES
    titles = (f"{base} {word}" for word in SERIES_WORDS for base in bases)
    return list(itertools.islice(titles, count))


def _made_up_words(count):
    made = []
    for length in (2, 3, 4):
        for parts in itertools.product(_SYLLABLES, repeat=length):
            made.append("".join(parts))
            if len(made) == count:
                return made
    return made


class TextMaker:
    """Make titles, sentences and paragraphs from a Zipf-skewed vocabulary."""

    def __init__(self, rng, *, tail=20_000, pool=4_000):
        self.rng = rng
        made_up = _made_up_words(tail)
        # Subjects and places rank as such words do in real prose: after the
        # common words and about a thousand others, among many rarer ones.
        named = SUBJECTS + PLACES
        vocabulary = COMMON + made_up[:1_000]
        for start in range(0, len(named)):
            vocabulary.append(named[start])
            vocabulary.extend(made_up[1_000 + start * 20 : 1_000 + start * 20 + 20])
        vocabulary.extend(made_up[1_000 + len(named) * 20 :])
        cum = list(
            itertools.accumulate((rank + 1) ** -1.0 for rank in range(len(vocabulary)))
        )
        self.sentences = []
        for _ in range(pool):
            chosen = rng.choices(vocabulary, cum_weights=cum, k=rng.randint(8, 24))
            self.sentences.append(" ".join(chosen).capitalize() + ".")
        self.place_weights = list(
            itertools.accumulate((rank + 1) ** -0.9 for rank in range(len(PLACES)))
        )

    def _place(self):
        return self.rng.choices(PLACES, cum_weights=self.place_weights)[0]

    def _fill(self, form):
        rng = self.rng
        subjects = rng.sample(SUBJECTS, 3)
        values = {
            "subject": subjects[0],
            "subject2": subjects[1],
            "subject3": subjects[2],
            "Subject": subjects[0].capitalize(),
            "Subject2": subjects[1].capitalize(),
            "place": self._place(),
            "place2": self._place(),
        }
        return form.format(**values)

    def title(self):
        return self._fill(self.rng.choice(TITLE_FORMS))

    def position(self):
        return self._fill(self.rng.choice(POSITIONS))

    def sentence(self, low, high):
        """Return about low..high words of prose (whole sentences)."""
        target = self.rng.randint(low, high)
        parts, length = [], 0
        while length < target:
            sentence = self.rng.choice(self.sentences)
            parts.append(sentence)
            length += sentence.count(" ") + 1
        return " ".join(parts)

    def paragraphs(self, low, high, length, *, headings=False):
        """Return low..high HTML paragraphs of about *length* words each."""
        html = []
        for number in range(self.rng.randint(low, high)):
            if headings and number and number % 3 == 0:
                html.append(f"<h2>{self.title()}</h2>")
            html.append(f"<p>{self.sentence(length // 2, length)}</p>")
        return "".join(html)
