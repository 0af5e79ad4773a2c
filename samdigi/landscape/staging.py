"""Staged imports: the uploaded file waiting under MEDIA_ROOT/imports, and its state.

A file is staged when it is uploaded, checked (the preview), and then saved or dropped. Large files
are checked and saved by a background task (landscape/tasks.py, run by `manage.py db_worker`),
which writes its progress here for the page to poll. The file is deleted as soon as it is no longer
needed (after saving, cancelling or a failed check), and `manage.py cleanup_imports` removes what
was left behind (an abandoned preview, an interrupted worker).
"""

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.utils.translation import gettext_lazy as _

IMPORT_DIR_NAME = "imports"


def staging_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / IMPORT_DIR_NAME
    path.mkdir(parents=True, exist_ok=True)
    return path


def background_rows() -> int:
    return settings.IMPORT_BACKGROUND_ROWS


class StagedImport(models.Model):
    class Status(models.TextChoices):
        STAGED = "staged", _("file uploaded")
        CHECKING = "checking", _("checking the file")
        PREVIEWED = "previewed", _("checked, waiting for your confirmation")
        IMPORTING = "importing", _("saving the rows")
        DONE = "done", _("all rows saved")
        FAILED = "failed", _("nothing saved")
        CANCELLED = "cancelled", _("import cancelled")

    ACTIVE = (Status.CHECKING, Status.IMPORTING)

    token = models.CharField(max_length=80, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    create_missing = models.BooleanField(default=False)
    language = models.CharField(max_length=10, default="da")
    file_name = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    background = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STAGED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staged import")
        verbose_name_plural = _("staged imports")

    def __str__(self):
        return self.token

    @property
    def path(self) -> Path | None:
        return staging_dir() / self.file_name if self.file_name else None

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def delete_file(self):
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def finish(self, status, result=None):
        """Record the outcome; the file goes as soon as nothing more will read it."""
        self.status = status
        if result is not None:
            self.result = result.to_dict()
        fields = ["status", "result", "updated_at"]
        if status != self.Status.PREVIEWED:
            self.delete_file()
            self.file_name = ""
            fields.append("file_name")
        self.save(update_fields=fields)

    def delete(self, *args, **kwargs):
        self.delete_file()
        return super().delete(*args, **kwargs)


class ProgressReporter:
    """Writes a running import's progress through a connection of its own, so that the page can
    read it while the import's own transaction is still open (all-or-nothing). Best effort: SQLite
    allows one writer, the import itself, so there the page shows only the state."""

    def __init__(self, staged_id):
        self.staged_id = staged_id
        self.connection = None

    def __call__(self, done, total):
        if connections["default"].vendor == "sqlite":
            return
        try:
            if self.connection is None:
                self.connection = connections.create_connection("default")
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {StagedImport._meta.db_table} "  # noqa: S608 (our own table name)
                    "SET progress_done = %s, progress_total = %s WHERE id = %s",
                    [done, total, self.staged_id],
                )
        except DatabaseError:
            pass

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def cleanup_staged(hours: int | None = None, now=None) -> tuple[int, int]:
    """Delete staged imports (record and file) older than `hours`, and files under the staging
    folder that no record owns and are as old. A running import is left alone for a week, in case
    a slow worker is still at it. Idempotent. Returns (records, files) deleted."""
    import datetime

    from django.utils import timezone

    hours = settings.IMPORT_STAGE_HOURS if hours is None else hours
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=hours)
    expired = StagedImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=StagedImport.ACTIVE, created_at__gte=now - datetime.timedelta(days=7)
    )
    records = 0
    for staged in expired:
        staged.delete()
        records += 1
    kept = set(StagedImport.objects.exclude(file_name="").values_list("file_name", flat=True))
    files = 0
    for path in staging_dir().iterdir():
        if not path.is_file() or path.name in kept:
            continue
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if modified < cutoff:
            path.unlink(missing_ok=True)
            files += 1
    return records, files
