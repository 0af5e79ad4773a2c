"""Generic views: a per-model view is a declaration of a few lines over these.

Access is never decided here: querysets come from `visible_to(user)` (404 when absent) and
`editable_by(user)` (403 when visible but not editable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, include, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from samdigi.core.access import policy_of
from samdigi.core.forms import ConfirmForm
from samdigi.core.history import changes_since
from samdigi.core.models import ChangeRecord, StaleVersionError, visible_prefetches

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.forms import BaseForm

    from samdigi.core.tables import Table

PER_PAGE_CHOICES = (25, 50, 100, 250)


def url_name(model, action: str) -> str:
    return f"{model._meta.app_label}:{model._meta.model_name}_{action}"


def optional_reverse(name, *args):
    """The URL of a named route, or None when the model does not have that page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class ModelViewMixin(LoginRequiredMixin):
    model: type[Model] | None = None
    queryset: QuerySet[Any] | None = None

    def base_queryset(self):
        qs = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return qs.all()

    def visible_queryset(self):
        return self.base_queryset().visible_to(self.request.user)

    def editable_queryset(self):
        return self.base_queryset().editable_by(self.request.user)

    def get_visible_object(self, **kwargs):
        lookup = {key: value for key, value in kwargs.items() if key != "tab"}
        try:
            return self.visible_queryset().get(**lookup)
        except self.model.DoesNotExist as exc:
            raise Http404(_("Not found")) from exc

    def require_editable(self, obj):
        if not self.editable_queryset().filter(pk=obj.pk).exists():
            raise PermissionDenied(_("You may see this record but not change it."))

    def can_add(self):
        """Whether the user may create records here: the model's access policy decides (the
        same that answers the API and narrows the form's owner choices)."""
        return policy_of(self.model).may_add(self.request.user, self.model)

    def common_context(self):
        opts = self.model._meta
        return {
            "opts": opts,
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "list_url": optional_reverse(url_name(self.model, "list")),
        }


TABLE_PARTIAL_TEMPLATE = "core/object_list.html"


class ObjectListView(ModelViewMixin, View):
    """Filtered, sorted, paginated list; `?export=csv|xlsx` exports the same rows and columns."""

    table_class: type[Table] | None = None
    filterset_class: type[Any] | None = None  # a django-filter FilterSet (untyped library)
    template_name = "core/object_list.html"
    paginate_by = 50
    add_permission: str | None = None

    def get(self, request, **kwargs):
        queryset = self.visible_queryset()
        prefetch = getattr(self.table_class, "prefetch_related", ())
        if prefetch:
            # The table's related rows are read back through the access layer; its own plain
            # lookups of the same names then find them already fetched.
            queryset = queryset.prefetch_related(
                *visible_prefetches(queryset.model, prefetch, request.user)
            )
        filterset = None
        if self.filterset_class:
            filterset = self.filterset_class(
                request.GET or None, queryset=queryset, request=request
            )
            queryset = filterset.qs if filterset.is_bound else queryset
        table = self.table_class(queryset, order_by=request.GET.get("sort"))
        export = request.GET.get("export")
        filename = str(self.model._meta.verbose_name_plural)
        if export == "csv":
            return table.as_csv(filename)
        if export == "xlsx":
            return table.as_xlsx(filename)
        try:
            per_page = int(request.GET.get("per_page", self.paginate_by))
        except ValueError:
            per_page = self.paginate_by
        per_page = per_page if per_page in PER_PAGE_CHOICES else self.paginate_by
        paginator = Paginator(table.queryset, per_page)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        for key in ("page", "export", "sort"):
            query.pop(key, None)
        context = {
            **self.common_context(),
            "table": table,
            "rows": list(table.rows(page.object_list)),
            "page": page,
            "filterset": filterset,
            "query": query.urlencode(),
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
            "sort": table.order_by or "",
            "add_url": reverse(url_name(self.model, "add")) if self.can_add() else None,
            **self.extra_context(),
        }
        template = self.template_name
        if request.htmx and request.htmx.target == "object-table":
            # The table partial is defined once, in the generic list template; pages that extend it
            # (the portfolio, risks) do not carry the partial under their own name.
            template = f"{TABLE_PARTIAL_TEMPLATE}#table"
        return render(request, template, context)

    def extra_context(self):
        return {}

    def can_add(self):
        return optional_reverse(url_name(self.model, "add")) is not None and super().can_add()


class ObjectDetailView(ModelViewMixin, View):
    """A record's page with tabs; every record has a History tab."""

    template_name = "core/object_detail.html"
    tabs: tuple[tuple[str, str, str], ...] = ()  # (slug, label, template)

    def get(self, request, tab="overview", **kwargs):
        obj = self.get_visible_object(**kwargs)
        tabs = [
            ("overview", _("Overview"), self.template_name),
            *self.tabs,
            ("history", _("History"), None),
        ]
        if tab not in {slug for slug, _label, _tpl in tabs}:
            raise Http404(_("Not found"))
        can_edit = self.editable_queryset().filter(pk=obj.pk).exists()
        context = {
            **self.common_context(),
            "object": obj,
            "tab": tab,
            "tabs": tabs,
            "can_edit": can_edit,
            "edit_url": self._url("edit", obj) if can_edit else None,
            "delete_url": self._url("delete", obj) if can_edit else None,
        }
        if tab == "history":
            context["changes"] = list(ChangeRecord.objects.for_object(obj)[:200])
            context["field_labels"] = field_labels(self.model)
            return render(request, "core/object_history.html", context)
        context.update(self.get_extra_context(obj, tab))
        template = next(tpl for slug, _label, tpl in tabs if slug == tab)
        return render(request, template, context)

    def get_extra_context(self, obj, tab):
        return {}

    def _url(self, action, obj):
        return optional_reverse(url_name(self.model, action), obj.pk)


def field_labels(model) -> dict:
    return {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}


class ObjectEditView(ModelViewMixin, View):
    """Create (no pk) or edit (pk) a record; a save based on a stale version is refused."""

    form_class: type[BaseForm] | None = None
    template_name = "core/object_form.html"

    def get_object(self, pk):
        if pk is None:
            if not self.can_add():
                raise PermissionDenied(_("You may not create this kind of record."))
            return self.model()
        obj = self.get_visible_object(pk=pk)
        self.require_editable(obj)
        return obj

    def get_form(self, obj, data=None, files=None):
        return self.form_class(
            data=data, files=files, instance=obj, user=self.request.user, initial=self.get_initial()
        )

    def get_initial(self):
        return {
            key: value
            for key, value in self.request.GET.items()
            if key in self.form_class.base_fields
        }

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        return self.render_form(obj, self.get_form(obj))

    def render_form(self, obj, form, stale_changes=None, status=200):
        context = {
            **self.common_context(),
            "object": obj,
            "form": form,
            "stale_changes": stale_changes,
            "field_labels": field_labels(self.model),
            "cancel_url": obj.get_absolute_url()
            if obj.pk
            else optional_reverse(url_name(self.model, "list")),
        }
        return render(
            request=self.request, template_name=self.template_name, context=context, status=status
        )

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        self.check_requested_owner(obj)
        form = self.get_form(obj, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(obj, form, status=400)
        created = obj.pk is None
        expected = form.cleaned_data.get("version")
        if not created and expected is None:
            # Without the version a stale form would overwrite silently: refuse, as the API does.
            form.add_error(
                None,
                _(
                    "The form did not say which version of the record it edits, so nothing was "
                    "saved. Open the record again and repeat your change."
                ),
            )
            return self.render_form(obj, form, status=400)
        try:
            with transaction.atomic():
                instance = form.save(commit=False)
                if created:
                    instance.created_by = request.user
                    instance.updated_by = request.user
                    instance.save()
                else:
                    instance.save_if_current(expected, user=request.user)
                form.save_m2m()
                self.after_save(instance, created)
                self.check_still_editable(instance)
        except StaleVersionError as error:
            current = self.model._default_manager.get(pk=obj.pk)
            missed = changes_since(current, error.expected_version)
            # Keep what the user typed; the form now carries the current version, so saving again
            # is a conscious decision to overwrite what is listed.
            data = request.POST.copy()
            data["version"] = current.version
            form = self.get_form(current, data, request.FILES)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else changed this record while you were editing. Your changes have not "
                    "been saved. Review what changed below, then save again to keep your version."
                ),
            )
            return self.render_form(current, form, stale_changes=missed, status=409)
        messages.success(
            request,
            (_("%(name)s was created.") if created else _("%(name)s was saved."))
            % {"name": instance},
        )
        return HttpResponseRedirect(self.success_url(instance))

    def check_requested_owner(self, obj):
        """A new record (or a move) for an owner or parent the user may not create for is 403,
        as in the API, not a form error about a choice that is not offered."""
        policy = policy_of(self.model)
        data = self.request.POST
        if obj.pk is not None:
            # Only a change of owner or parent is a create elsewhere.
            data = {
                name: value
                for name, value in data.items()
                if str(getattr(obj, f"{name}_id", value)) != value
            }
        if policy.refuses_request(self.request.user, self.model, data):
            raise PermissionDenied(_("You may not create records for this organisation."))

    def after_save(self, instance, created):
        """Hook for related rows that must be written in the same transaction."""

    def check_still_editable(self, instance):
        """The re-check after the save, inside its transaction (as the API does): an owner change
        or any other change that leaves the record outside what the user may edit is a create
        where they may not create, so it is rolled back and answered 403."""
        if not hasattr(self.base_queryset(), "editable_by"):
            return  # rows whose view decides who may add them (e.g. reference figures)
        if not self.editable_queryset().filter(pk=instance.pk).exists():
            raise PermissionDenied(
                _("You could not edit the record after this change, so nothing was saved.")
            )

    def success_url(self, instance):
        return instance.get_absolute_url()


class ObjectDeleteView(ModelViewMixin, View):
    template_name = "core/object_confirm_delete.html"

    def get_object(self, pk):
        obj = self.get_visible_object(pk=pk)
        self.require_editable(obj)
        return obj

    def get(self, request, pk):
        obj = self.get_object(pk)
        form = ConfirmForm(initial={"version": obj.version})
        return render(
            request,
            self.template_name,
            {
                **self.common_context(),
                "object": obj,
                "form": form,
                "problem": self.delete_problem(obj),
            },
        )

    def delete_problem(self, obj):
        return None

    def post(self, request, pk):
        obj = self.get_object(pk)
        form = ConfirmForm(request.POST)
        problem = self.delete_problem(obj)
        if not problem and form.is_valid():
            expected = form.cleaned_data.get("version")
            if expected is not None and expected != obj.version:
                problem = _(
                    "Someone else changed this record after you opened it. Look at it again before "
                    "you delete it."
                )
        if not problem:
            try:
                with transaction.atomic():
                    obj.delete()
            except ProtectedError:
                problem = _("Other records refer to this one, so it cannot be deleted.")
        if problem:
            context = {
                **self.common_context(),
                "object": obj,
                "form": ConfirmForm(initial={"version": obj.version}),
                "problem": problem,
            }
            return render(request, self.template_name, context, status=409)
        messages.success(request, _("%(name)s was deleted.") % {"name": obj})
        return HttpResponseRedirect(self.success_url(obj))

    def success_url(self, obj):
        return optional_reverse(url_name(self.model, "list")) or reverse("home")


def section(prefix, patterns):
    """A URL prefix for a model's patterns (from model_urls), inside the app's namespace."""
    return path(prefix, include(patterns))


def model_urls(
    model, list_view=None, detail_view=None, edit_view=None, delete_view=None, lookup="<int:pk>"
):
    """The standard URL patterns of a model: list, add, detail (with tabs), edit, delete."""
    name = model._meta.model_name
    patterns = []
    if list_view:
        patterns.append(path("", list_view.as_view(model=model), name=f"{name}_list"))
    if edit_view:
        patterns.append(path("add/", edit_view.as_view(model=model), name=f"{name}_add"))
        patterns.append(
            path(f"{lookup}/edit/", edit_view.as_view(model=model), name=f"{name}_edit")
        )
    if delete_view:
        patterns.append(
            path(f"{lookup}/delete/", delete_view.as_view(model=model), name=f"{name}_delete")
        )
    if detail_view:
        patterns.append(path(f"{lookup}/", detail_view.as_view(model=model), name=f"{name}_detail"))
        # Last: a tab slug must not shadow edit/ or delete/.
        patterns.append(
            path(f"{lookup}/<slug:tab>/", detail_view.as_view(model=model), name=f"{name}_tab")
        )
    return patterns
