from django.shortcuts import render
from django.urls import path

# About 25 KB of HTML once rendered.
ROWS = [
    f"Paragraph {number} of the bare page, as long as a report's."
    for number in range(330)
]


def page(request):
    """Render the 25 KB template: Django's own cost, with no data to read."""
    return render(request, "page.html", {"rows": ROWS, "title": "Bare Django"})


urlpatterns = [path("", page, name="page")]
