"""Run axe-core (vendored in tests/vendor) on a page open in Playwright."""

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")


def axe_violations(page, impacts=BLOCKING_IMPACTS, rules=None):
    """Return axe's violations on *page* with one of *impacts*, as plain dicts.

    *rules* limits the run to those rule ids (for example ["heading-order"]).
    Each violation keeps its id, impact, help text and the failing targets, so
    an assertion message names what to fix. Folio's Content-Security-Policy
    refuses injected scripts, so open *page* in a context made with
    ``browser.new_context(bypass_csp=True)``.
    """
    if not page.evaluate("() => typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    # Passes and incomplete checks are never read; not collecting them makes
    # a run on a long admin form several times faster.
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
