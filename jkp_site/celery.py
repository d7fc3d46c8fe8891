"""Celery application. With no REDIS_URL the settings make every task run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkp_site.settings")

app = Celery("jkp_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
