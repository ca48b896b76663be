from publications.models.publication import (
    Authorship,
    ContentVersion,
    PinnedPublication,
    Publication,
    PublicationType,
    RelatedPublication,
    Report,
    Series,
    SummaryPoint,
    TaggedPublication,
)

__all__ = [
    "Authorship",
    "ContentVersion",
    "PinnedPublication",
    "Publication",
    "PublicationType",
    "RelatedPublication",
    "Report",
    "Series",
    "SummaryPoint",
    "TaggedPublication",
]
