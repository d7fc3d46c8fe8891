"""How the admin shows what is not prose."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


def machine_data(value: Any) -> SafeString:
    """Stored machine data (a snapshot, a payload) as it is, marked ``lang="zxx"``: no
    language, so a reader's tools and the language checks do not take its keys for words."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    return format_html('<pre lang="zxx" class="machine-data">{}</pre>', text)


class _ChangesInWords(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, dt.datetime):
            moment = timezone.localtime(value) if timezone.is_aware(value) else value
            return date_format(moment, "SHORT_DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return value


class HistoryInWordsAdmin(SimpleHistoryAdmin):
    """An object's history says each change in words: a state by its label, a moment in
    Asia/Jakarta time, nothing as a dash (templates/simple_history/object_history_list.html
    says who, or the system)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return _ChangesInWords(self.model, historical_record)
