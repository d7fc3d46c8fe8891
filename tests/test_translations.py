"""The Indonesian catalogue is complete, compiled and actually used.

The interface is Indonesian first, so an untranslated or fuzzy entry shows English to a
worker, a stale .mo shows yesterday's wording, and a translator's lost placeholder crashes the
page that formats the message. These tests read locale/ directly and need no database.
"""

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from participants.nik import parse_nik

MESSAGES = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES"
PO_PATH = MESSAGES / "django.po"
MO_PATH = MESSAGES / "django.mo"

PERCENT_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
BRACE_PLACEHOLDER = re.compile(r"\{\w*\}")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """Read the subset of the PO format that xgettext/msgmerge write.

    msgstr without an index is stored under key 0 so singular and plural entries are checked
    the same way.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"line {number}: continuation without a keyword"
            append(current, target, ast.literal_eval(line))
        else:
            keyword, _, literal = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
            elif keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
                target = (keyword, 0)
            else:
                raise AssertionError(f"line {number}: unexpected {raw!r}")
            if target[0] == "msgstr":
                current.msgstr[target[1]] = ""
            else:
                setattr(current, keyword, "")
            append(current, target, ast.literal_eval(literal))
    return entries


def append(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, getattr(entry, name) + value)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    """Every real message, without the header entry."""
    found = [entry for entry in entries if entry.msgid]
    assert len(found) > 100, "the catalogue looks truncated"
    return found


def test_the_parser_reads_plurals_contexts_and_wrapped_lines():
    sample = (
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        "#, fuzzy, python-format\n"
        'msgctxt "menu"\nmsgid "One %(n)d"\nmsgid_plural ""\n"Many %(n)d"\n'
        'msgstr[0] "Satu "\n"\\"%(n)d\\""\n'
    )
    header, entry = parse_po(sample)
    assert header.msgstr == {0: "Language: id\n"}
    assert entry.msgctxt == "menu"
    assert entry.msgid_plural == "Many %(n)d"
    assert entry.msgstr == {0: 'Satu "%(n)d"'}
    assert entry.flags == {"fuzzy", "python-format"}


def test_the_header_declares_indonesian_with_one_plural_form(entries):
    header = next(entry for entry in entries if entry.msgid == "")
    assert "fuzzy" not in header.flags
    assert "Language: id\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete(messages):
    untranslated = [str(e) for e in messages if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [str(e) for e in messages if "fuzzy" in e.flags]
    obsolete = [str(e) for e in messages if e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []


def test_plural_messages_have_exactly_the_one_indonesian_form(messages):
    wrong = [str(e) for e in messages if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert wrong == []


def test_translations_keep_every_placeholder(messages):
    broken = []
    for entry in messages:
        sources = [entry.msgid, entry.msgid_plural or ""]
        patterns = [PERCENT_PLACEHOLDER]
        if "python-brace-format" in entry.flags:
            patterns.append(BRACE_PLACEHOLDER)
        for pattern in patterns:
            expected = {p for source in sources for p in pattern.findall(source)}
            for translated in entry.msgstr.values():
                if set(pattern.findall(translated)) != expected:
                    broken.append(f"{entry} -> {translated!r}")
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file(messages):
    with MO_PATH.open("rb") as handle:
        catalogue = gnu_gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        expected = entry.msgstr[0]
        if entry.msgid_plural is not None:
            if entry.msgctxt is not None:
                got = catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            else:
                got = catalogue.ngettext(entry.msgid, entry.msgid_plural, 2)
        elif entry.msgctxt is not None:
            got = catalogue.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = catalogue.gettext(entry.msgid)
        if got != expected:
            stale.append(f"{entry}: .mo has {got!r}, .po has {expected!r}")
    assert stale == [], "run: manage.py compilemessages -l id --ignore=.venv"


def test_django_serves_the_indonesian_catalogue():
    with translation.override("id"):
        assert translation.gettext("Sign in") == "Masuk"
        assert translation.gettext("Branch supervisor") == "Kepala Bidang"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"


def test_nik_errors_read_naturally_in_indonesian():
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        parse_nik("31740112345")
    assert caught.value.messages == ["NIK harus 16 digit (yang ini 11 digit)."]
