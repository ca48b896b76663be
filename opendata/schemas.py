"""The shapes of the JSON API's answers and filters, as in its OpenAPI document."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, Field

from opendata.cursors import MAX_CURSOR_LENGTH

# Slugs as Django's slug path converter and validate_slug accept them; topic
# slugs are taggit's, which may hold any letters.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
TOPIC_SLUG_PATTERN = r"^[-\w]+$"
CURSOR_PATTERN = r"^[-A-Za-z0-9_]+$"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# Answers are plain pydantic models: ninja's Schema reads each nested object
# through a Django-aware getter, which took most of a page of 50's time.


class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong with the request.")


class PageRequest(Schema):
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        pattern=CURSOR_PATTERN,
        description="The `next` link's cursor: where this page starts.",
    )
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page."
    )


class PublicationFilters(PageRequest):
    type: str | None = Field(None, max_length=200, pattern=SLUG_PATTERN)
    topic: str | None = Field(None, max_length=200, pattern=TOPIC_SLUG_PATTERN)
    series: str | None = Field(None, max_length=200, pattern=SLUG_PATTERN)
    author: str | None = Field(None, max_length=200, pattern=SLUG_PATTERN)
    year: int | None = Field(None, ge=1000, le=2999)
    q: str | None = Field(
        None,
        max_length=200,
        # No NUL: no database stores one in text.
        pattern=r"^[^\x00]*$",
        description="Words to search for; results stay newest first.",
    )


class TypeOut(BaseModel):
    slug: str
    name: str
    kind: Literal["report", "related"]


class CreditOut(BaseModel):
    name: str
    slug: str
    role: Literal["author", "editor", "contributor"]
    affiliation: str = Field(description="As it stood at publication.")
    url: str


class TopicRef(BaseModel):
    slug: str
    name: str
    url: str


class SeriesRef(BaseModel):
    slug: str
    title: str
    url: str


class PublicationOut(BaseModel):
    slug: str
    title: str
    type: TypeOut
    number: int | None
    type_label: str = Field(description='For example "Special Report No. 277".')
    teaser: str
    authors: list[CreditOut] = Field(description="In the editors' order.")
    topics: list[TopicRef]
    series: SeriesRef | None
    published_at: datetime
    updated_at: datetime
    url: str = Field(description="The publication's page.")
    pdf_url: str | None = Field(description="The report's PDF, if it has one.")
    external_url: str | None = Field(
        description="Where a publication kept elsewhere is read."
    )


class PublicationDetailOut(PublicationOut):
    about: str | None = Field(description="About the report, as HTML.")
    summary_points: list[str]
    series_position: int | None


class PublicationPage(BaseModel):
    next: str | None = Field(description="The next page, or null on the last.")
    results: list[PublicationOut]


class AuthorOut(BaseModel):
    slug: str
    name: str
    position: str
    affiliation: str
    url: str
    publication_count: int = Field(description="Live publications.")


class AuthorPage(BaseModel):
    next: str | None = Field(description="The next page, or null on the last.")
    results: list[AuthorOut]


class SeriesOut(BaseModel):
    slug: str
    title: str
    commissioned_by: str
    url: str
    report_count: int = Field(description="Live reports.")


class SeriesList(BaseModel):
    results: list[SeriesOut]


class TopicOut(BaseModel):
    slug: str
    name: str
    url: str
    publication_count: int = Field(description="Live publications.")


class TopicList(BaseModel):
    results: list[TopicOut]
