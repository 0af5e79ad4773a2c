"""Form base: dropdowns narrowed to what the user may see, and the version for stale-edit checks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samdigi.core.access import scope_for


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the record's version and narrows every choice to the user's reach.

    `owner` (when the model has one) offers only organisations where the user may create records.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if name == "owner":
                field.queryset = self.owner_queryset(queryset)
            elif hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)

    def owner_queryset(self, queryset):
        scope = scope_for(self.user)
        if scope.is_superuser:
            return queryset
        allowed = set(scope.editing_owner_ids)
        if self.instance.pk:
            allowed.add(self.instance.owner_id)
        return queryset.filter(pk__in=allowed)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class ConfirmForm(forms.Form):
    """The delete confirmation: carries the version so a changed record is not deleted blind."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True, label=_("Confirm"))
