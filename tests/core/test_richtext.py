import pytest

from core.richtext import sanitize_rich_text
from tests.factories import make_author, make_series

KEPT = [
    "<h2>Heading</h2>",
    "<p>One <strong>bold</strong> and <em>italic</em> word.</p>",
    "<ul><li>Point</li></ul>",
    "<ol><li>First</li></ol>",
    "<blockquote><p>Quoted</p></blockquote>",
    "<table><tbody><tr><th>Head</th><td>Cell</td></tr></tbody></table>",
]


@pytest.mark.parametrize("html", KEPT)
def test_allowed_markup_is_kept(html):
    assert sanitize_rich_text(html) == html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a<script>alert(1)</script></p>", "<p>a</p>"),
        ("<style>p { color: red }</style><p>a</p>", "<p>a</p>"),
        ('<p onclick="x()" style="color: red">a</p>', "<p>a</p>"),
        ('<a href="javascript:alert(1)">a</a>', '<a rel="noopener">a</a>'),
        ('<a href="data:text/html,x">a</a>', '<a rel="noopener">a</a>'),
        ("<svg><script>alert(1)</script></svg><p>a</p>", "<p>a</p>"),
        ("<math><mi>x</mi></math><p>a</p>", "<p>a</p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ("<iframe src='https://e.org'></iframe>", ""),
        ("<h1>Top</h1>", "Top"),
        ("<p></p>", ""),
    ],
)
def test_dangerous_or_unknown_markup_is_removed(html, expected):
    assert sanitize_rich_text(html) == expected


@pytest.mark.parametrize(
    "href", ["https://example.org/", "http://example.org/", "mailto:a@example.org"]
)
def test_links_keep_safe_schemes_and_get_noopener(href):
    html = f'<a href="{href}" target="_blank">x</a>'

    assert sanitize_rich_text(html) == f'<a href="{href}" rel="noopener">x</a>'


@pytest.mark.django_db
def test_rich_text_is_sanitised_on_save_outside_forms_too():
    author = make_author(bio="<p>Bio</p><script>alert(1)</script>")
    series = make_series(description='<p onmouseover="x()">Series</p>')

    author.refresh_from_db()
    series.refresh_from_db()
    assert author.bio == "<p>Bio</p>"
    assert series.description == "<p>Series</p>"
