"""Write the generated part of docs/fidelity.md from the recorded probe outcomes.

Usage: ``python -m differential.render_fidelity`` (from the project root). The test
``test_fidelity_page_shows_the_recorded_outcomes`` fails until the page is rewritten
after a recorded outcome changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from differential._fidelity import BEGIN, END, PAGE, render

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Replace the generated part of the page; 1 if the page has no markers."""
    page = ROOT / PAGE
    text = page.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        sys.stderr.write(f"{PAGE} has no generated part ({BEGIN!r} ... {END!r})\n")
        return 1
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    page.write_text(before + render() + after, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
