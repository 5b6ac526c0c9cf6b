"""axe-core, the accessibility rule engine, from the npm registry, and a run of its WCAG 2.1 A and AA rules on a page.

The package is fetched once per test session (a pinned version, checked against the registry's SHA-512
integrity before use) and injected into the page under test; nothing is installed on the machine.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from playwright.sync_api import Page

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
#: WCAG 2.0 and 2.1, levels A and AA: what the law on digital public services requires.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def fetch(into: Path) -> Path:
    """axe.min.js of the pinned axe-core, downloaded and verified; `into` keeps it for the session."""
    target = into / f"axe-core-{VERSION}.min.js"
    if target.exists():
        return target
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    assert digest == INTEGRITY, f"axe-core {VERSION} from the registry does not match its pinned integrity"
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        target.write_bytes(archive.extractfile("package/axe.min.js").read())
    return target


def violations(page: Page, script: Path) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now: rule, impact, and each offending element."""
    page.add_script_tag(content=script.read_text(encoding="utf-8"))
    found = page.evaluate("""async tags => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map(v => ({
            rule: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary,
                                      html: n.html.slice(0, 200)})),
        }));
    }""", TAGS)
    return found


def report(found: list[dict]) -> str:
    """The violations as lines a developer can act on."""
    lines = []
    for violation in found:
        lines.append(f"{violation['rule']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}\n      {node['html']}\n      {node['summary']}")
    return "\n".join(lines)
