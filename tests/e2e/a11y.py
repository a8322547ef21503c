"""axe-core in the browser tests: inject the npm package's build and fail on serious findings.

The issue's bar is WCAG 2.1 A and AA with no critical or serious violation on any page or opened
state. ``assert_accessible(page, "what is open")`` runs axe on the page as it is now and fails
with one line per offending node, so a reader sees which element and which rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
AXE_JS = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}


def axe_violations(page: Any, include: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core on ``page`` (or inside the ``include`` selector) and return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the app's CSP
        # (script-src 'self') refuses inline scripts, and rightly so.
        page.evaluate(f"() => {{ {AXE_JS.read_text(encoding='utf-8')}\n}}")
    context = include if include is not None else "document"
    result: dict[str, Any] = page.evaluate(
        """async ([context, tags]) => {
            const target = context === 'document' ? document : document.querySelector(context);
            return await window.axe.run(target, {runOnly: {type: 'tag', values: tags}});
        }""",
        [context, WCAG_TAGS],
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def blocking_lines(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(
                f"{violation['impact']} {violation['id']}: {target}: "
                f"{node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return lines


def assert_accessible(page: Any, state: str, include: str | None = None) -> None:
    """Fail when axe finds a critical or serious WCAG 2.1 A/AA violation in the current state."""
    lines = blocking_lines(axe_violations(page, include))
    assert not lines, f"axe-core, {state}: {len(lines)} serious or critical\n" + "\n".join(lines)
