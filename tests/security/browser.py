"""Helpers for the security browser tests (fixtures are in conftest.py)."""

from dataclasses import dataclass, field


@dataclass
class PageLog:
    """What happened in one browser page that no page of ours should cause."""

    dialogs: list = field(default_factory=list)
    console: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def csp_messages(self, *, since=0):
        """Return the console's CSP violation reports, from message *since* on."""
        return [
            text for text in self.console[since:] if "Content Security Policy" in text
        ]


def csp_violations(page):
    """Return the CSP violations the page reported since it loaded."""
    return page.evaluate("window.__cspViolations || []")
