"""Documents attached to domain records, once for every app: the upload form, the upload view, the
download view and the documents tab's context (template core/documents_tab.html).

One access rule: an attachment follows its parent record. Whoever sees the record sees (and may
download) its documents; only whoever may edit the record adds to them. A record the user cannot
see answers 404, one they see but may not edit 403, as everywhere else."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samdigi.core.access import get_editable_or_403, get_visible_or_404
from samdigi.core.models import Attachment
from samdigi.core.uploads import check_upload, max_upload_bytes


class AttachmentForm(forms.Form):
    """A title and a file checked by its content (core.uploads); with `kinds`, also the
    document type (portfolio's gate documents)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=250)
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, XLSX or DOCX, at most %(limit)s MB.") % {
            "limit": max_upload_bytes() // 1024 // 1024
        }
        if kinds:
            self.fields["kind"] = forms.ChoiceField(label=_("Document type"), choices=kinds)
            # The type is asked before the file, as the form always showed it.
            self.order_fields(["title", "kind", "file"])

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.media_type = check_upload(uploaded)
        return uploaded


def attach(parent, uploaded, *, title, media_type, user, kind="") -> Attachment:
    """Store an upload already checked by core.uploads.check_upload as a document of the record."""
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(type(parent)),
        object_id=str(parent.pk),
        title=title,
        kind=kind,
        file=uploaded,
        size=uploaded.size,
        media_type=media_type,
        uploaded_by=user,
    )


def upload_view(model, tab_url, kinds=None):
    """The POST view that adds a document to a `model` record and returns to its documents tab
    (`tab_url(pk)`); a refused file is shown as a message naming why, and nothing is stored."""

    @login_required
    @require_POST
    def upload(request, pk):
        parent = get_editable_or_403(model, request.user, pk=pk)
        form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            attach(
                parent,
                form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data.get("kind", ""),
                media_type=form.media_type,
                user=request.user,
            )
            messages.success(request, _("The document was added."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(tab_url(pk))

    return upload


def download_view(models=None):
    """The GET view that serves a document to those who see its record (404 for anyone else, so
    an outsider learns nothing); `models` limits which records' documents it serves."""

    @login_required
    def download(request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        model = attachment.content_type.model_class()
        if model is None or (models is not None and model not in models):
            raise Http404
        get_visible_or_404(model, request.user, pk=attachment.object_id)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=Path(attachment.file.name).name,
            content_type=attachment.media_type or "application/octet-stream",
        )

    return download


def documents_context(obj, *, upload_url, download_url_name, kinds=None, base_template=None):
    """The context of the documents tab (core/documents_tab.html) of a record."""
    context = {
        "attachments": Attachment.for_object(obj).select_related("uploaded_by"),
        "attachment_form": AttachmentForm(kinds=kinds),
        "attachment_upload_url": upload_url,
        "attachment_url_name": download_url_name,
    }
    if base_template:
        context["documents_base"] = base_template
    return context
