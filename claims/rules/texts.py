"""Sentences for people: English msgids translated by gettext, rendered when they are read.

The engine never builds a finished sentence while it decides. Each check keeps a ``Text``: an
English message id with ``%(name)s`` placeholders and the values to put in them. The sentence
is made when someone reads it (``Text.render()``, ``str(text)``, ``CheckResult.message``), in
the language active at that moment (Django's ``get_language()``; Indonesian, the interface
language, when Django is not set up). ``render("en")`` always gives the English wording.

Values are formatted for people, per language: a ``date`` as "20 November 2026" (Indonesian
month names in Indonesian), a ``Period`` as "November 2026", ``Money`` as "Rp 3.000.000",
a ``Label`` in its own language, a ``Listing`` as "JKK, JHT dan JP". Codes such as
``resign_voluntary`` or ``PP6-2025`` never go into a sentence: labels and names do.

Translations live in the project catalogue (``locale/id/LC_MESSAGES/django.po``). ``_`` and
``gettext_noop`` are the markers ``manage.py makemessages`` looks for, so the msgids written in
this package are extracted with the rest of the project.

Django is looked up at run time (``importlib``) and used only once its settings and apps are
ready, so the engine stays importable and usable in a plain Python process; there the compiled
catalogue is read with the standard ``gettext`` module.
"""

from __future__ import annotations

import gettext as _stdlib_gettext
import importlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from .periods import Period

DEFAULT_LANGUAGE = "id"
ENGLISH = "en"

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

_LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def gettext_noop(message: str) -> str:
    """Mark an English msgid for extraction without translating it now."""
    return message


# --- values with a human form -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Money:
    """Whole Rupiah, shown as ``Rp 3.000.000`` in every language."""

    amount: int


@dataclass(frozen=True, slots=True)
class Label:
    """A vocabulary label that exists in both languages (``codes.py`` pairs)."""

    id: str
    en: str


@dataclass(frozen=True, slots=True)
class Listing:
    """Items joined as "A, B and C" / "A, B dan C"."""

    items: tuple[str, ...]


def format_rupiah(amount: int) -> str:
    """``3000000`` -> ``Rp 3.000.000`` (Indonesian thousands separator)."""
    sign = "-" if amount < 0 else ""
    return f"Rp {sign}{abs(amount):,}".replace(",", ".")


def _is_english(language: str) -> bool:
    return language == ENGLISH or language.startswith("en-")


def format_date(day: date, language: str) -> str:
    months = MONTHS_EN if _is_english(language) else MONTHS_ID
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_period(period: Period, language: str) -> str:
    months = MONTHS_EN if _is_english(language) else MONTHS_ID
    return f"{months[period.month - 1]} {period.year}"


def format_value(value: object, language: str) -> str:
    """``value`` as people read it in ``language`` (see the module docstring)."""
    return _format(value, _plain_renderer(language))


def _format(value: object, renderer: Renderer) -> str:
    # Exact types first (no isinstance chain on the hot path); subclasses fall through below.
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    if kind is date:
        day: date = value  # type: ignore[assignment]
        return f"{day.day} {renderer.months[day.month - 1]} {day.year}"
    if kind is Period:
        period: Period = value  # type: ignore[assignment]
        return f"{renderer.months[period.month - 1]} {period.year}"
    if kind is Label:
        label: Label = value  # type: ignore[assignment]
        return label.en if renderer.english else label.id
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return f"{value.day} {renderer.months[value.month - 1]} {value.year}"
    if isinstance(value, Period):
        return f"{renderer.months[value.month - 1]} {value.year}"
    if isinstance(value, Money):
        return format_rupiah(value.amount)
    if isinstance(value, Label):
        return value.en if renderer.english else value.id
    if isinstance(value, Listing):
        items = value.items
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + renderer.conjunction + items[-1]
    if isinstance(value, Text):
        return value.render_with(renderer)
    return str(value)


# --- language and catalogue -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _django_translation() -> tuple[Any, ModuleType, Any] | None:
    """``(settings, django.utils.translation, apps)`` when Django is installed, else None."""
    try:
        conf = importlib.import_module("django.conf")
        translation = importlib.import_module("django.utils.translation")
        registry = importlib.import_module("django.apps")
    except ImportError:
        return None
    return conf.settings, translation, registry.apps


def _django_ready() -> ModuleType | None:
    found = _django_translation()
    if found is None:
        return None
    settings, translation, apps = found
    if not settings.configured or not apps.ready:
        return None
    return translation


@lru_cache(maxsize=8)
def _stdlib_catalogue(language: str) -> Callable[[str], str]:
    translations = _stdlib_gettext.translation(
        "django", localedir=str(_LOCALE_DIR), languages=[language], fallback=True
    )
    return translations.gettext


def active_language() -> str:
    """The language a sentence is rendered in now.

    Django's active language when Django is set up (``None`` there means translations are
    deactivated: English msgids); otherwise the interface language, Indonesian.
    """
    translation = _django_ready()
    if translation is None:
        return DEFAULT_LANGUAGE
    language: str | None = translation.get_language()
    return language if language else ENGLISH


def translate(msgid: str, language: str | None = None) -> str:
    """``msgid`` in ``language`` (default: the active one); English is the msgid itself."""
    return renderer_for(language).gettext(msgid)


def rendering_in(language: str) -> AbstractContextManager[object]:
    """A context in which ``language`` is the active one (Django's ``override``), so that many
    sentences rendered in it share one ``Renderer`` on the fast path."""
    translation = _django_ready()
    if translation is None or _is_english(language):
        return nullcontext()
    override: AbstractContextManager[object] = translation.override(language)
    return override


@dataclass(frozen=True, slots=True)
class Renderer:
    """How to write sentences in one language: its catalogue lookup and its words for values."""

    language: str
    english: bool
    gettext: Callable[[str], str]
    months: tuple[str, ...]
    conjunction: str


def _identity(msgid: str) -> str:
    return msgid


_ENGLISH_RENDERER = Renderer(ENGLISH, True, _identity, MONTHS_EN, " and ")


def _plain_renderer(language: str) -> Renderer:
    """Formatting rules only (no catalogue): for ``format_value``."""
    if _is_english(language):
        return _ENGLISH_RENDERER
    return Renderer(language, False, _identity, MONTHS_ID, " dan ")


def renderer_for(language: str | None = None) -> Renderer:
    """The ``Renderer`` for ``language`` (default: the active one), resolved once for many
    sentences: English needs no catalogue; with Django the active language's ``gettext``; with
    another language than the active one, a lookup under ``override`` (slower; wrap a batch in
    ``rendering_in`` instead); without Django, the compiled catalogue through ``gettext``."""
    if language is None:
        language = active_language()
    if _is_english(language):
        return _ENGLISH_RENDERER
    translation = _django_ready()
    if translation is None:
        lookup = _stdlib_catalogue(language)
    elif language == translation.get_language():
        lookup = translation.gettext
    else:

        def lookup(msgid: str) -> str:
            with translation.override(language):
                result: str = translation.gettext(msgid)
            return result

    return Renderer(language, False, lookup, MONTHS_ID, " dan ")


# --- the sentence -----------------------------------------------------------------------------


class Text(NamedTuple):
    """An English msgid and its values, made into a sentence only when read.

    Immutable (a named tuple: cheap to make, and the engine makes a dozen per decision).
    """

    msgid: str
    args: tuple[tuple[str, object], ...] = ()

    def render(self, language: str | None = None) -> str:
        """The sentence in ``language`` (default: the active one)."""
        return self.render_with(renderer_for(language))

    def render_with(self, renderer: Renderer) -> str:
        template = renderer.gettext(self.msgid)
        if not self.args:
            return template
        return template % {name: _format(value, renderer) for name, value in self.args}

    def __str__(self) -> str:
        return self.render()


_new_text = tuple.__new__


def _(msgid: str, **args: object) -> Text:
    """A ``Text`` for ``msgid`` (an English literal, extracted by makemessages) and its values."""
    # Text(msgid, args) without the named tuple's own __new__ (a Python-level call).
    return _new_text(Text, (msgid, tuple(args.items())))


def listing(items: Iterable[str]) -> Listing:
    return Listing(tuple(items))
