"""gunicorn for the web nodes (deploy/entrypoint.sh web). Every figure can be set from the
environment; the defaults suit one node behind one load balancer.

Forwarded headers: gunicorn believes X-Forwarded-Proto (so Django sees https behind a TLS
load balancer) only from FORWARDED_ALLOW_IPS. The client's address is not gunicorn's business:
Django reads it from X-Forwarded-For with TRUSTED_PROXY_COUNT (jkp_site.core.net.client_ip), so
the load balancer must append to that header and nothing in front of it may be skipped.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# (2 x cores) + 1 sync workers: the views are short and the database does the waiting.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request longer than this is killed (the PDF report and the exports stay well under it);
# the load balancer's idle timeout must be longer than keepalive.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never takes a node down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# Django's logging (JSON lines with the request id) records each request; gunicorn's own
# access log would repeat it without the request id, so only its error log is kept.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_line = 8190
# The file uploads are checked by Django (DOCUMENT_MAX_BYTES); this only bounds the headers.
limit_request_fields = 100
# The workers' heartbeat files on tmpfs (gunicorn's advice: a disk-backed /tmp can stall them).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108
proc_name = "jkp-web"
