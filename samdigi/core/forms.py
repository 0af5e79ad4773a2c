"""Form base: dropdowns narrowed to what the user may see, and the version for stale-edit checks."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import linkable, policy_of, scope_for
from samdigi.core.models import set_links

OWNER_KIND_LABELS = {"municipality": _("municipality"), "association": _("association")}


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the record's version and narrows every choice to the user's reach.

    `owner` (when the model has one) offers only organisations where the user may create records
    (the policy in core.access, the same the API applies). Every other related field, many-to-many
    included, offers and accepts only what the user may link; the model's clean() and
    clean_links() add the cross-organisation rules; links the user cannot see are kept on save.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Related fields narrowed by the subclass itself rather than by the access rules.
    unnarrowed_fields: tuple[str, ...] = ()

    # The "municipality or association" chooser: a record owned only by one kind of organisation
    # names it "owner_kind", and its owner field is labelled and narrowed to that kind.
    owner_kind: str | None = None

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self._keep_omitted_choices()
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or name in self.unnarrowed_fields:
                continue
            if name == "owner":
                field.queryset = self.owner_queryset(queryset)
            else:
                field.queryset = linkable(queryset, user)
        if self.owner_kind and "owner" in self.fields:
            owner = self.fields["owner"]
            owner.label = OWNER_KIND_LABELS[self.owner_kind]
            owner.queryset = owner.queryset.filter(kind=self.owner_kind)

    def _keep_omitted_choices(self):
        """A drop-down always sends its value, so one missing from the posted data was not sent
        at all: the record keeps its value rather than losing the link (and, for an assignee,
        the user's own right to edit it)."""
        if not self.is_bound:
            return
        omitted = [
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField)
            and not isinstance(field, forms.ModelMultipleChoiceField)
            and field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))
            and hasattr(self.instance, f"{name}_id")
        ]
        if omitted:
            self.data = self.data.copy()
            for name in omitted:
                value = getattr(self.instance, f"{name}_id")
                self.data[self.add_prefix(name)] = "" if value is None else value

    def owner_queryset(self, queryset):
        model = self._meta.model
        allowed = policy_of(model).creatable_owners(scope_for(self.user), model)
        if allowed is None:
            return queryset
        allowed = set(allowed)
        if self.instance.pk:
            allowed.add(self.instance.owner_id)
        return queryset.filter(pk__in=allowed)

    def _many_to_many_names(self) -> set[str]:
        return {f.name for f in self.instance._meta.many_to_many} & set(self.fields)

    def _post_clean(self):
        super()._post_clean()
        links = {
            name: list(self.cleaned_data[name])
            for name in self._many_to_many_names()
            if name in self.cleaned_data and name not in self.errors
        }
        if links and hasattr(self.instance, "clean_links"):
            try:
                self.instance.clean_links(links)
            except ValidationError as error:
                self._update_errors(error)

    def _save_m2m(self):
        many = {
            name: self.cleaned_data.pop(name)
            for name in self._many_to_many_names()
            if name in self.cleaned_data
        }
        try:
            super()._save_m2m()
        finally:
            self.cleaned_data.update(many)
        for name, chosen in many.items():
            set_links(self.instance, name, chosen, self.user)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class ConfirmForm(forms.Form):
    """The delete confirmation: carries the version so a changed record is not deleted blind."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True, label=_("Confirm"))
