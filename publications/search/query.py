"""A reader's search text, cleaned into terms every database accepts."""

import re
import unicodedata
from dataclasses import dataclass

# Far beyond any query a reader types (the search box takes 200 characters).
MAX_QUERY_CHARACTERS = 1000
MAX_QUERY_TERMS = 32

# A term: an optional "-" (not), then a "phrase" (its closing quote optional,
# as websearch_to_tsquery allows) or a run of anything but spaces and quotes.
_TERM = re.compile(r'(?P<negated>-?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
# A hyphen that does not join two word characters ("peace-building").
_LOOSE_HYPHEN = re.compile(r"(?<!\w)-|-(?!\w)")
_WORD_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Term:
    """A word or "phrase" of a normalised query; ``or`` is a term of its own."""

    words: tuple
    negated: bool = False
    phrase: bool = False

    @property
    def is_or(self):
        return not self.phrase and not self.negated and self.words[0].lower() == "or"


def normalise_query(text):
    """Return *text* as a web search query PostgreSQL always accepts.

    websearch_to_tsquery reads "phrases", ``or`` and a leading ``-`` (not),
    and takes every other character for part of a word or a separator. A
    ``-`` after a separator is a "not" too, and 32 of them in a row overflow
    its stack ("tsquery stack too small", a server error). Here each term
    keeps at most one leading ``-``, inner hyphens stay only between two word
    characters, terms without a word character go, and at most
    MAX_QUERY_TERMS remain. A query a reader types comes out unchanged but
    for spacing; one of punctuation alone comes out empty.
    """
    return terms_text(query_terms(text))


def query_terms(text):
    """Return the terms of *text*, cleaned as normalise_query() describes."""
    terms = []
    for match in _TERM.finditer(printable(text[:MAX_QUERY_CHARACTERS])):
        negated = bool(match["negated"])
        if match["phrase"] is not None:
            words = _words(match["phrase"])
            if words:
                terms.append(Term(tuple(words), negated=negated, phrase=True))
            continue
        words = _words(match["word"])
        if words:
            terms.append(Term((words[0],), negated=negated))
            terms.extend(Term((word,)) for word in words[1:])
    return terms[:MAX_QUERY_TERMS]


def printable(text):
    """Return *text* with control characters and lone surrogates as spaces."""
    return "".join(
        " " if unicodedata.category(character) in {"Cc", "Cs"} else character
        for character in text
    )


def terms_text(terms):
    """Return *terms* written as a web search query."""
    return " ".join(_term_text(term) for term in terms)


def _term_text(term):
    text = " ".join(term.words)
    if term.phrase:
        text = f'"{text}"'
    return f"-{text}" if term.negated else text


def _words(text):
    """Return the parts of *text* that hold a word character, loose hyphens gone."""
    return [
        part
        for part in _LOOSE_HYPHEN.sub(" ", text).split()
        if _WORD_CHARACTER.search(part)
    ]
