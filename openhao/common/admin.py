"""Admin helpers that hold for every app.

``SafeManyToManyAdmin`` makes the admin's many-to-many fields treat ids that are not ids as a
form error. Django's ModelMultipleChoiceField runs ``pk__in`` with every value that converts to
an int, and a number past the column's range makes the driver raise (SQLite OverflowError,
PostgreSQL DataError); its autocomplete widget renders the submitted values through the same
query and raises ValueError on "abc". Both were 500s on a mistyped or forged form."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections


def storable_key(model_field, value, using: str = "default") -> bool:
    """Whether ``value`` can be compared with ``model_field`` in a query."""
    try:
        python = model_field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(python, int):
        low, high = connections[using].ops.integer_field_range(model_field.get_internal_type())
        return (low is None or python >= low) and (high is None or python <= high)
    return True


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        field = meta.pk if key == "pk" else meta.get_field(key)
        for pk in value:
            if not storable_key(field, pk, self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        meta = self.field.remote_field.model._meta
        field = meta.get_field(getattr(self.field.remote_field, "field_name", meta.pk.attname))
        kept = [v for v in value if v in (None, "") or storable_key(field, v, self.db or "default")]
        return super().optgroups(name, kept, attr)


class SafeManyToManyAdmin:
    """Mix into a ModelAdmin (before admin.ModelAdmin) that edits many-to-many fields."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # The add form takes initial values from the query string, and the split date/time
        # widget calls .utcoffset() on whatever it gets: a prefilled date that does not parse
        # was a 500. Such values are dropped (the field starts empty).
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except Exception:  # noqa: BLE001, S112 - not a model field: leave it to Django
                continue
            if field.get_internal_type() in ("DateTimeField", "DateField", "TimeField"):
                try:
                    initial[name] = field.to_python(initial[name])
                except (ValidationError, ValueError, TypeError):
                    del initial[name]
        return initial


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through their app's services (audit trails, logs): the admin shows
    them and can neither add, edit nor delete one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
