"""Background tasks (Django's Tasks API through the django-tasks backport; the database backend
and `manage.py db_worker` run them, no broker needed)."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from samdigi.core.imports import ImportFileError, ImportResult, RowProblem, max_bytes, read_table
from samdigi.landscape.importers import IMPORTERS
from samdigi.landscape.staging import ProgressReporter, StagedImport, background_rows


def run_staged(staged: StagedImport, commit: bool, progress=None):
    """Check (or save) a staged file and record the outcome on the staged record."""
    path = staged.path
    if path is None or not path.exists():
        staged.finish(StagedImport.Status.FAILED)
        return None
    importer = IMPORTERS[staged.kind](staged.user, staged.create_missing)
    upload = SimpleUploadedFile(staged.original_name or path.name, path.read_bytes())
    try:
        with translation.override(staged.language):
            result = importer.run(upload, commit=commit, progress=progress)
    except BaseException:
        with translation.override(staged.language):
            message = _("The import stopped unexpectedly; nothing was saved. Try again later.")
        staged.finish(
            StagedImport.Status.FAILED, ImportResult(problems=[RowProblem(1, "", message)])
        )
        raise
    if result.committed:
        status = StagedImport.Status.DONE
    elif result.ok and not commit:
        status = StagedImport.Status.PREVIEWED
    else:
        status = StagedImport.Status.FAILED
    staged.finish(status, result)
    return result


@task()
def import_staged_file(staged_id: int, commit: bool) -> dict:
    staged = StagedImport.objects.select_related("user").filter(pk=staged_id).first()
    if staged is None:  # cancelled or cleaned up before the worker got to it
        return {"status": "gone"}
    StagedImport.objects.filter(pk=staged_id).update(progress_done=0, progress_total=F("row_count"))
    reporter = ProgressReporter(staged_id)
    try:
        result = run_staged(staged, commit, progress=reporter)
    finally:
        reporter.close()
    return {
        "status": staged.status,
        "created": result.created if result else 0,
        "updated": result.updated if result else 0,
        "problems": len(result.problems) if result else 0,
    }


def stage_upload(user, kind, create_missing, uploaded, language):
    """Keep the uploaded file under MEDIA_ROOT/imports and record it. Returns the record and, when
    the file as a whole cannot be read, the result naming why (the file is then gone already)."""
    token = f"{user.pk}-{uuid.uuid4().hex}"
    name = uploaded.name or "upload"
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    staged = StagedImport.objects.create(
        token=token,
        user=user,
        kind=kind,
        create_missing=create_missing,
        language=language,
        file_name=f"{token}{suffix}",
        original_name=name[-255:],
    )
    with staged.path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    try:
        with staged.path.open("rb") as source:
            _headers, rows = read_table(SimpleUploadedFile(name, source.read(max_bytes() + 1)))
    except ImportFileError as error:
        result = ImportResult(problems=[RowProblem(1, "", str(error))])
        staged.finish(StagedImport.Status.FAILED, result)
        return staged, result
    staged.row_count = len(rows)
    staged.background = staged.row_count > background_rows()
    staged.save(update_fields=["row_count", "background", "updated_at"])
    return staged, None


def start_background(staged: StagedImport, commit: bool):
    staged.status = StagedImport.Status.IMPORTING if commit else StagedImport.Status.CHECKING
    staged.progress_done = 0
    staged.progress_total = staged.row_count
    staged.save(update_fields=["status", "progress_done", "progress_total", "updated_at"])
    import_staged_file.enqueue(staged.pk, commit)
