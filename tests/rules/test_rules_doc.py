"""docs/rules.md explains every ruling (D1, D2, ...) that the project's Python code cites."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"
SKIPPED_DIRS = {".venv", "venv", "node_modules", "migrations", "__pycache__", ".git", "static"}
CITATION = re.compile(r"\bD\d{1,2}\b")
HEADING = re.compile(r"^## (D\d{1,2})\b(.*)$", re.MULTILINE)


def _python_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return found


def _cited() -> dict[str, set[str]]:
    """Ruling -> the files that cite it."""
    cited: dict[str, set[str]] = {}
    for path in _python_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for ruling in CITATION.findall(text):
            cited.setdefault(ruling, set()).add(str(path.relative_to(ROOT)))
    return cited


def _entries() -> dict[str, str]:
    """Ruling -> the body of its entry (up to the next heading of the same level)."""
    text = DOC.read_text(encoding="utf-8")
    matches = list(HEADING.finditer(text))
    entries = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        entries[match.group(1)] = text[match.end() : end]
    return entries


def test_the_scan_sees_the_engine():
    files = {str(path.relative_to(ROOT)) for path in _python_files()}
    assert "claims/rules/checks.py" in files
    assert not any(name.startswith(".venv") for name in files)
    assert "D1" in _cited()


def test_every_cited_ruling_has_an_entry():
    entries = _entries()
    missing = {ruling: sorted(files) for ruling, files in _cited().items() if ruling not in entries}
    assert missing == {}, "explain these rulings under a '## Dn' heading in docs/rules.md"


def test_every_entry_has_a_source_and_a_status():
    incomplete = []
    for ruling, body in _entries().items():
        for label in ("**Decides:**", "**Source:**", "**Status:**", "**Implemented by:**"):
            line = next((line for line in body.splitlines() if line.startswith(label)), None)
            if line is None or not line[len(label) :].strip():
                incomplete.append((ruling, label))
    assert incomplete == []


def test_entries_are_unique_and_in_order():
    text = DOC.read_text(encoding="utf-8")
    numbers = [int(match.group(1)[1:]) for match in HEADING.finditer(text)]
    assert numbers == sorted(set(numbers))
    assert numbers == list(range(1, 16))  # D1-D15 of jkp-rules.md
