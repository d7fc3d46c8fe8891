"""GET /metrics for Prometheus: the domain figures, read when scraped (on the replica when
there is one), so every web node reports the same numbers whichever one is scraped.

Not public: the scraper sends ``Authorization: Bearer <METRICS_TOKEN>`` or comes from one of
METRICS_ALLOWED_NETWORKS; anyone else gets a plain 404, as if there were nothing here.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import CollectorRegistry, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from claims.models import CashInstalment, Claim, InstalmentStatus
from jkp_site.core.net import client_ip
from jkp_site.core.taskmetrics import failure_counts
from jkp_site.db_router import reading_replica
from jkp_site.outbox.models import OutboxMessage
from participants.models import ImportJob


def scraper_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer "):
        return hmac.compare_digest(sent[len("Bearer ") :].encode(), token.encode())
    address = client_ip(request)
    if not address or not settings.METRICS_ALLOWED_NETWORKS:
        return False
    ip = ipaddress.ip_address(address)
    return any(
        ip in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


class DomainCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        claims = GaugeMetricFamily("jkp_claims", "Claims by workflow state", labels=["state"])
        counts = dict(Claim.objects.values_list("state").annotate(n=Count("id")).order_by())
        for state in Claim.State.values:
            claims.add_metric([state], counts.get(state, 0))
        yield claims

        instalments = GaugeMetricFamily(
            "jkp_instalments", "Cash instalments by status", labels=["status"]
        )
        by_status = dict(
            CashInstalment.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in InstalmentStatus.values:
            instalments.add_metric([status], by_status.get(status, 0))
        yield instalments
        paid = CashInstalment.objects.filter(status=InstalmentStatus.PAID)
        yield CounterMetricFamily(
            "jkp_instalments_paid", "Instalments paid", value=by_status.get("paid", 0)
        )
        yield CounterMetricFamily(
            "jkp_instalments_paid_rupiah",
            "Rupiah paid in instalments",
            value=paid.aggregate(total=Sum("amount"))["total"] or 0,
        )

        rows = ImportJob.objects.aggregate(
            checked=Sum("processed_rows"),
            errors=Sum("error_rows"),
            inserted=Sum("inserted_rows"),
            skipped=Sum("skipped_rows"),
        )
        import_rows = CounterMetricFamily(
            "jkp_import_rows", "Contribution rows through the imports", labels=["outcome"]
        )
        for outcome, value in rows.items():
            import_rows.add_metric([outcome], value or 0)
        yield import_rows

        backlog = GaugeMetricFamily(
            "jkp_outbox_backlog", "Outbox messages not yet handed to the workers", labels=["state"]
        )
        waiting = dict(
            OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT)
            .values_list("state")
            .annotate(n=Count("id"))
            .order_by()
        )
        for state in (OutboxMessage.State.PENDING, OutboxMessage.State.FAILED):
            backlog.add_metric([state], waiting.get(state, 0))
        yield backlog

        failures = CounterMetricFamily(
            "jkp_task_failures", "Celery task runs that raised", labels=["task"]
        )
        for name, count in failure_counts(sorted(settings.CELERY_TASK_ROUTES)).items():
            failures.add_metric([name], count)
        yield failures


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not scraper_allowed(request):
        raise Http404
    registry = CollectorRegistry()
    registry.register(DomainCollector())
    with reading_replica():
        body = generate_latest(registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


urlpatterns = [path("", metrics, name="metrics")]
