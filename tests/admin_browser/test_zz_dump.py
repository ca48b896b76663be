import pytest
from tests.accessibility import axe_violations
from tests.admin_browser.test_accessibility import PAGES
pytestmark = pytest.mark.django_db

def test_dump(page, admin_site):
    page.goto(admin_site["url"] + PAGES["report list"](admin_site["items"]))
    print("EXP0", axe_violations(page, rules=["label-title-only", "label"]))
    page.evaluate("""() => { const l = document.querySelector('label[for=searchbar]'); l.insertAdjacentHTML('beforeend', '<span class="visually-hidden">Search publications</span>'); }""")
    print("EXP1", axe_violations(page, rules=["label-title-only", "label"]))
    page.goto(admin_site["url"] + PAGES["report list"](admin_site["items"]))
    page.evaluate("""() => { document.querySelector('#searchbar').setAttribute('aria-label', 'Search publications'); }""")
    print("EXP2", axe_violations(page, rules=["label-title-only", "label"]))
