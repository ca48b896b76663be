"""Folio's publication models, one module per part; import them from here."""

from publications.models.derived import (
    DrainMark,
    PublicationChange,
    RelatedItem,
    RelatedList,
    StoredCard,
)
from publications.models.documents import GeneratedPdf
from publications.models.kinds import RelatedPublication, Report
from publications.models.parts import Authorship, PinnedPublication, SummaryPoint
from publications.models.publication import Publication
from publications.models.purges import PurgeRequest
from publications.models.review import ReviewEvent
from publications.models.search import SearchDocument, SearchTerms
from publications.models.series import Series
from publications.models.tags import TaggedPublication
from publications.models.topics import TopicRedirect
from publications.models.types import PublicationType
from publications.models.versions import ContentVersion, KeyChange

__all__ = [
    "Authorship",
    "ContentVersion",
    "DrainMark",
    "GeneratedPdf",
    "KeyChange",
    "PinnedPublication",
    "Publication",
    "PublicationChange",
    "PublicationType",
    "PurgeRequest",
    "RelatedItem",
    "RelatedList",
    "RelatedPublication",
    "Report",
    "ReviewEvent",
    "SearchDocument",
    "SearchTerms",
    "Series",
    "StoredCard",
    "SummaryPoint",
    "TaggedPublication",
    "TopicRedirect",
]
