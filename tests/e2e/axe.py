"""axe-core in the browser journey: WCAG 2.1 A/AA checks on every page a person sees.

The vendored axe.min.js (see vendor/README.md) is injected as a script; that needs a browser
context with `bypass_csp=True` (the application's CSP allows no foreign script), which only
the test browser has.
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is now; a list of violations (rule id, help, targets)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 10),
                count: v.nodes.length}));
        }""",
        TAGS,
    )
    return result


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}, {v['count']}x): {v['help']} -> {v['targets']}"
        for v in violations
    )
