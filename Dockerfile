# syntax=docker/dockerfile:1
# The JKP case system: one image for every process, started through deploy/entrypoint.sh
# (web | worker QUEUES | beat | migrate). compose.yaml and the README's runbook use it; CI does
# not build it (make prod-smoke runs the same entrypoint on the host instead).

# --- build: wheels of every pinned requirement ---------------------------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

# --- runtime: the venv, the code, compiled messages and collected static files --------------
FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint (the PDF report) needs Pango; compilemessages needs gettext.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 jkp \
 && useradd --system --uid 10001 --gid jkp --home-dir /app --shell /usr/sbin/nologin jkp
COPY --from=build /venv /venv
ENV PATH="/venv/bin:$PATH" \
    PYTHON=/venv/bin/python \
    JKP_NO_VENV=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=jkp_site.settings \
    STATIC_ROOT=/app/staticfiles \
    JKP_VAR_DIR=/var/lib/jkp \
    GUNICORN_BIND=0.0.0.0:8000
WORKDIR /app
COPY --chown=jkp:jkp . /app
# Static files and messages belong to the image (the keys here only let the settings load;
# with DEBUG off nothing else starts without the real ones from the environment).
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= DEBUG=false \
    python manage.py collectstatic --noinput --verbosity 0 \
 && python manage.py compilemessages -l id --ignore=.venv --verbosity 0 \
 && mkdir -p /var/lib/jkp && chown -R jkp:jkp /var/lib/jkp /app/staticfiles /app/locale
USER jkp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
