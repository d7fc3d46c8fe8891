"""Admin of the contribution imports: upload a file, watch its progress, read its errors."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext_lazy as _

from imports import jobs
from jkp_site.outbox.services import enqueue
from participants.models import ImportJob

RUN_IMPORT = "imports.tasks.run_import_job_task"


class ImportJobAddForm(forms.ModelForm):
    class Meta:
        model = ImportJob
        fields = ["file", "apply_valid_rows", "apply_corrections"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV with the header nik,npp,period,wage,paid_date (UTF-8), at most %(limit)s."
        ) % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        self.fields["apply_corrections"].help_text = _(
            "Without it, a month already stored with another wage is listed as a correction "
            "conflict and left as it is."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a .csv file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Upload a contribution file; the import runs in the background (Celery) and the page
    shows its progress, the counts and the error report when it ends."""

    list_display = [
        "original_name",
        "status",
        "total_rows",
        "error_rows",
        "inserted_rows",
        "skipped_rows",
        "corrected_rows",
        "created_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "original_name",
        "status",
        "apply_valid_rows",
        "apply_corrections",
        "total_rows",
        "processed_rows",
        "error_rows",
        "inserted_rows",
        "skipped_rows",
        "corrected_rows",
        "stopped_claims",
        "message",
        "created_by",
        "started_at",
        "finished_at",
    ]
    actions = ["apply_valid_rows_action", "resume_action", "cancel_action"]
    change_form_template = "admin/participants/importjob/change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImportJobAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "apply_valid_rows", "apply_corrections"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        # A job is a record of what happened: its page is read-only (view permission).
        return False

    def save_model(self, request, obj, form, change):
        obj.original_name = form.cleaned_data["file"].name[:200]
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        enqueue(RUN_IMPORT, args=[obj.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = {"stalled": job is not None and jobs.is_stalled(job)} | (extra_context or {})
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_urls(self):
        urls = super().get_urls()
        own = [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="participants_importjob_progress",
            ),
            path(
                "<int:pk>/errors/",
                self.admin_site.admin_view(self.errors_view),
                name="participants_importjob_errors",
            ),
        ]
        return own + urls

    def _job_or_404(self, request, pk: int) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def progress_view(self, request, pk: int) -> JsonResponse:
        job = self._job_or_404(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "percent": job.progress_percent,
                "total_rows": job.total_rows,
                "processed_rows": job.processed_rows,
                "error_rows": job.error_rows,
                "inserted_rows": job.inserted_rows,
                "skipped_rows": job.skipped_rows,
                "corrected_rows": job.corrected_rows,
                "stalled": jobs.is_stalled(job),
                "finished": job.finished_at is not None,
            }
        )

    def errors_view(self, request, pk: int) -> FileResponse:
        job = self._job_or_404(request, pk)
        if not job.errors_file:
            raise Http404
        return FileResponse(
            job.errors_file.open("rb"),
            as_attachment=True,
            filename=f"errors-{job.original_name}",
            content_type="text/csv",
        )

    def has_resume_permission(self, request) -> bool:
        return request.user.has_perm("participants.add_importjob")

    @admin.action(
        description=_("Resume the selected imports that failed or stalled"),
        permissions=["resume"],
    )
    def resume_action(self, request, queryset):
        done = sum(1 for job in queryset if jobs.resume(job, actor=request.user))
        self.message_user(request, _("%(count)d import(s) resumed.") % {"count": done})

    @admin.action(
        description=_("Cancel the selected imports that are not running"),
        permissions=["resume"],
    )
    def cancel_action(self, request, queryset):
        done = sum(1 for job in queryset if jobs.cancel(job, actor=request.user))
        self.message_user(
            request,
            _("%(count)d import(s) cancelled; nothing of them is applied.") % {"count": done},
        )

    @admin.action(description=_("Apply the valid rows of the selected imports"))
    def apply_valid_rows_action(self, request, queryset):
        jobs = list(queryset.filter(status=ImportJob.Status.NEEDS_DECISION))
        for job in jobs:
            ImportJob.objects.filter(pk=job.pk).update(
                apply_valid_rows=True, status=ImportJob.Status.PENDING
            )
            enqueue(RUN_IMPORT, args=[job.pk])
        self.message_user(
            request,
            _("%(count)d import(s) queued to apply their valid rows.") % {"count": len(jobs)},
        )
