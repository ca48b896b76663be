"""Imports run one way: core below authors, authors below publications."""

import ast

import pytest
from django.conf import settings

APPS = ("core", "authors", "publications")


def _imports(app):
    """Yield (module path, imported module name) for every import in *app*."""
    for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(settings.BASE_DIR), alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path.relative_to(settings.BASE_DIR), node.module


@pytest.mark.parametrize(
    ("app", "above"),
    [("core", {"authors", "publications"}), ("authors", {"publications"})],
)
def test_lower_apps_import_nothing_from_the_apps_above(app, above):
    upward = [
        f"{path}: {name}"
        for path, name in _imports(app)
        if name.partition(".")[0] in above
    ]

    assert upward == []


@pytest.mark.parametrize("app", APPS)
def test_shared_admin_code_comes_from_core_not_another_app(app):
    others = [f"{other}.admin" for other in ("authors", "publications") if other != app]
    borrowed = [
        f"{path}: {name}"
        for path, name in _imports(app)
        if any(name == admin or name.startswith(f"{admin}.") for admin in others)
    ]

    assert borrowed == []
