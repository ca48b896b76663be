import time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from publications.models import Publication, TaggedPublication
from publications.topics import merge_topics, add_topic, rename_topic, remove_topic
from tests.factories import make_related, make_user
pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("n", [50, 400])
def test_timing(n):
    editor = make_user(role="Editors")
    a = Tag.objects.create(name="Aaa"); b = Tag.objects.create(name="Bbb")
    items = [make_related(title=f"Item {i}", tags=[]) for i in range(n)]
    TaggedPublication.objects.bulk_create([TaggedPublication(tag=a, content_object=p) for p in items])
    qs = Publication.objects.filter(pk__in=[p.pk for p in items])
    out = []
    for label, f in [("rename", lambda: rename_topic(a, name="Aab", user=editor)),
                     ("add", lambda: add_topic(qs, b, user=editor)),
                     ("merge", lambda: merge_topics([Tag.objects.get(name="Aab")], b, user=editor)),
                     ("remove", lambda: remove_topic(qs, b, user=editor))]:
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter(); f(); d = time.perf_counter() - t
        out.append(f"{label} {d*1000:.0f} ms/{len(q)} q")
    print(f"\nn={n}", ", ".join(out))
