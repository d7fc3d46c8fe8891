"""``manage.py jkp_simulate``: the JKP rules engine on one scenario (contract/simulate.md).

    python manage.py jkp_simulate SCENARIO.json     # or '-' for standard input
    python manage.py jkp_simulate --version-table  # the rule versions and their parameters

Writes one JSON object to standard output. Exit 0 for any well-formed scenario, eligible or not;
exit 2 for a malformed one, with ``{"error": {"field": ..., "message": ...}}`` on standard output
and the same message on standard error. Never a traceback, never the database.

The ``message`` fields are Indonesian (``--language en`` gives English ones); ``message_en``
fields are always English. ``--version-table`` also lists the dated parameters that do not
follow the rule versions (``dated_params``: the training cost cap, ruling D15).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from claims.rules import (
    ScenarioError,
    dated_param_table,
    evaluate,
    parse_scenario,
    version_table,
)
from claims.rules.scenario import ROOT_FIELD

EXIT_MALFORMED = 2
EXIT_INTERNAL = 1
STDIN = "-"
LANGUAGES = ("id", "en")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} bukan nilai JSON yang sah")


def decode_scenario_json(text: str) -> Any:
    """Decode the scenario text; every failure becomes a ``ScenarioError`` on the whole file."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_reject_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except _DuplicateKeyError as exc:
        raise ScenarioError(ROOT_FIELD, f"JSON tidak valid: kunci ganda {exc.key!r}") from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            ROOT_FIELD, f"JSON tidak valid: {exc.msg} (baris {exc.lineno}, kolom {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        # Too many digits in a number, NaN/Infinity, nesting too deep.
        raise ScenarioError(ROOT_FIELD, f"JSON tidak valid: {exc}") from None


class Command(BaseCommand):
    help = (
        "Simulasi aturan JKP untuk satu skenario (berkas JSON atau '-' untuk stdin); "
        "--version-table menampilkan versi aturan dan parameternya."
    )
    # Pure computation: no system checks, no migrations check, no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse would print its usage and exit 2 with plain text; keep the JSON contract.
        parser.error = self._usage_error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "scenario",
            nargs="?",
            help="Berkas skenario JSON, atau '-' untuk membaca stdin.",
        )
        parser.add_argument(
            "--version-table",
            action="store_true",
            help="Tampilkan versi aturan JKP dan semua parameternya.",
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default="id",
            help="Bahasa kolom 'message' (bawaan: id). 'message_en' selalu bahasa Inggris.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The sentences are rendered in one language, whatever the caller's active one.
        with translation.override(options.get("language") or "id"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        try:
            if options["version_table"]:
                if options["scenario"]:
                    raise ScenarioError(
                        ROOT_FIELD, "--version-table tidak dipakai bersama berkas skenario"
                    )
                self._emit({"versions": version_table(), "dated_params": dated_param_table()})
                return
            if not options["scenario"]:
                raise ScenarioError(
                    ROOT_FIELD,
                    "sebutkan berkas skenario JSON, '-' untuk stdin, atau --version-table",
                )
            data = decode_scenario_json(self._read(options["scenario"]))
            result = evaluate(parse_scenario(data)).to_dict()
        except ScenarioError as exc:
            self._fail(exc.field, exc.message, EXIT_MALFORMED)
        except Exception as exc:  # the contract forbids tracebacks, even for our own bugs
            self._fail(
                ROOT_FIELD, f"kesalahan internal: {type(exc).__name__}: {exc}", EXIT_INTERNAL
            )
        self._emit(result)

    def _read(self, source: str) -> str:
        try:
            if source == STDIN:
                if sys.stdin is None:
                    raise ScenarioError(ROOT_FIELD, "standard input tidak tersedia")
                raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
            else:
                with open(source, "rb") as handle:
                    raw = handle.read()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ScenarioError(
                ROOT_FIELD, f"berkas tidak dapat dibaca: {source}: {reason}"
            ) from None
        if isinstance(raw, str):
            return raw
        try:
            # utf-8-sig: tolerate the byte-order mark some Windows editors write.
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError(ROOT_FIELD, "berkas bukan teks UTF-8") from None

    def _emit(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _fail(self, field: str, message: str, code: int) -> NoReturn:
        self._emit({"error": {"field": field, "message": message}})
        self.stderr.write(f"{field}: {message}" if field else message)
        # Not CommandError: BaseCommand would print "CommandError: ..." in its own format.
        raise SystemExit(code)

    def _usage_error(self, message: str) -> NoReturn:
        self._fail("arguments", f"argumen tidak valid: {message}", EXIT_MALFORMED)
