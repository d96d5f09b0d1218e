"""axe-core (vendored in tests/e2e/vendor, MPL-2.0) run in the page: serious and critical
violations, each with the rule and the first offending elements."""

from __future__ import annotations

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SERIOUS = {"serious", "critical"}

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is now (none is good).

    The script is evaluated by the browser's debugging protocol, so the page's CSP (which
    allows no inline or foreign script) does not apply to it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    found = page.evaluate(RUN)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])} on {page.url}"
        for v in found
        if v["impact"] in SERIOUS
    ]
