"""Every staff, portal and admin page speaks one language: Indonesian unless English is chosen.

Each page the access matrix reaches by GET (tests/test_access_matrix.py: the same URLs, the same
world, the same signed-in personas) is rendered twice, as the first persona that may read it:
once in Indonesian (no language chosen) and once in English (the language cookie). The words a
reader sees (the text, and the ``title``, ``aria-label``, ``placeholder``, ``alt`` and button
values a screen reader says) are compared with the project's catalogue:

- in Indonesian, no word that only the English side of the catalogue uses (a msgid word that no
  Indonesian translation uses);
- in English, no word that only the Indonesian side uses.

Words of the data itself (names of people, employers, offices and programmes, which are
Indonesian in both languages), proper nouns and the terms both languages share (``NIK``,
``Email``, ``Status``) are left out. A raw code shown instead of its label (``benefit_active``)
is caught by its English words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from tests import test_access_matrix as matrix
from tests.test_access_matrix import world  # noqa: F401  (the module-scoped fixture)

pytestmark = matrix.pytestmark

CATALOGUE = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"
WORD = re.compile(r"[A-Za-z][a-z]{2,}")

# Who reads a page, in this order: the first whose GET is "ok" in the access matrix.
READERS = (
    matrix.OFFICER,
    matrix.SUPERVISOR,
    matrix.COUNSELLOR,
    matrix.HEAD_OFFICE,
    matrix.WORKER1,
    matrix.SUPERUSER,
    matrix.ANON,
)

# Words both languages write the same way, or names: never evidence of the wrong language.
_SHARED_WORDS = """
    jkp bpjs bpjamsostek kemnaker sisnaker siapkerja phk npp nik kpj pkwt pkwtt kapk lpk blk
    jkn jkk jkm jht jp rupiah email mail status total online offline admin api xlsx pdf csv
    json otp totp http https www jakarta serang raya indonesia kantor cabang pusat bank
    django python celery redis postgresql sqlite data form media sms
    jaminan kehilangan pekerjaan
"""
SHARED = frozenset(_SHARED_WORDS.split())

# Superuser-only pages of packages whose text cannot be translated from outside, each with the
# reason; a page leaves this list when its words are fixed (the test then says so).
VENDOR_UNTRANSLATABLE = {
    # django-otp: the devices' field labels and help texts are not marked for translation, and
    # its search help is put together at start-up in the start-up language.
    **{
        f"admin:otp_{kind}_{page}": "django-otp"
        for kind in ("static_staticdevice", "totp_totpdevice")
        for page in ("add", "change", "changelist", "delete")
    },
    # Django names the many-to-many link models ("Group_permissions object", "Hubungan ...")
    # once, at start-up, in the start-up language.
    "admin:auth_group_delete": "Django auto-created models",
    # Django's AdminPasswordChangeForm and the "usable password" help are built at import.
    "admin:auth_user_password_change": "Django auth forms",
    "admin:core_user_add": "Django auth forms",
    # django-axes' failure log names itself in English ("... from 10.0.0.1").
    **{
        f"admin:axes_accessfailurelog_{page}": "django-axes"
        for page in ("change", "changelist", "delete", "history")
    },
}

_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_SAID = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', re.I)
_BUTTON_VALUE = re.compile(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', re.I)
_TAG = re.compile(r"<[^>]+>")


def words_seen(body: str, language: str) -> set[str]:
    """The words of a page as a reader meets them (lower case), leaving out what is marked as
    written in another language (``lang="en"``: the language menu names each language in its
    own)."""
    body = _HIDDEN.sub(" ", body)
    body = re.sub(rf'<(\w+)[^>]*\blang="(?!{language}")[^"]*"[^>]*>.*?</\1>', " ", body, flags=re.S)
    said = " ".join(_SAID.findall(body) + _BUTTON_VALUE.findall(body))
    text = html.unescape(_TAG.sub(" ", body) + " " + said)
    return {w.lower() for w in WORD.findall(text)}


def _words(texts: Iterator[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        text = re.sub(r"%\(\w+\)[sd]|\{\{.*?\}\}|\{[^}]*\}|<[^>]+>", " ", text)
        found |= {w.lower() for w in WORD.findall(text)}
    return found


@cache
def one_sided() -> tuple[frozenset[str], frozenset[str]]:
    """(English-only words, Indonesian-only words) of the project's catalogue."""
    entries = [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]
    english = _words(t for e in entries for t in (e.msgid, e.msgid_plural) if t)
    indonesian = _words(t for e in entries for t in [e.msgstr, *e.msgstr_plural.values()] if t)
    return (
        frozenset(english - indonesian - SHARED),
        frozenset(indonesian - english - SHARED),
    )


def data_words() -> set[str]:
    """Every word stored in the world's text columns: names and places say what they say."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and f.get_internal_type() in ("CharField", "TextField")
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            found |= {w.lower() for value in row if value for w in WORD.findall(str(value))}
    return found


def reader_of(key: str) -> str | None:
    row = matrix.EXPECTED[key]
    for persona in READERS:
        if row.get(persona, {}).get("GET") == matrix.OK:
            return persona
    return None


PAGES = sorted(
    key
    for key, route in matrix.ROUTES.items()
    if not key.startswith("api:")
    and key not in ("healthz", "readyz", "metrics", "logout", "set_language")
    and key != "route:admin/(?P<url>.*)$"
    and "download" not in key
    and "export" not in key
    and key not in VENDOR_UNTRANSLATABLE
)


def render(world, persona: str, key: str, language: str) -> tuple[int, str]:  # noqa: F811
    route = matrix.ROUTES[key]
    url = matrix.url_for(route, world)
    client = matrix._reset(world, persona)
    if language == "id":
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, matrix._query(key, world), follow=True)
    kind = response.get("Content-Type", "")
    body = "" if response.streaming else response.content.decode(errors="replace")
    response.close()
    return response.status_code, body if kind.startswith("text/html") else ""


def test_vendor_pages_are_real_pages():
    assert set(VENDOR_UNTRANSLATABLE) <= set(matrix.ROUTES)


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_in_one_language(world, django_db_blocker, language):  # noqa: F811
    english_only, indonesian_only = one_sided()
    foreign = english_only if language == "id" else indonesian_only
    wrong: list[str] = []
    with django_db_blocker.unblock():
        names = data_words()
        for key in PAGES:
            persona = reader_of(key)
            if persona is None:
                continue

            def run(key: str = key, persona: str = persona) -> str:
                status, body = render(world, persona, key, language)
                if status != 200:
                    return ""
                return " ".join(sorted((words_seen(body, language) & foreign) - names))

            stray = matrix._in_savepoint(run)
            if stray:
                wrong.append(f"{key} ({persona}): {stray}")
    assert not wrong, (
        f"{len(wrong)} pages in {language} show words of the other language:\n" + "\n".join(wrong)
    )
