"""Spreadsheet import written once: read CSV or XLSX, map columns, validate every row through the
model's form, preview, and commit all-or-nothing.

Each model declares an Importer: its form, the columns it reads (with the header names other
systems use), how to find an existing record, and how to turn a cell into a form value. Every
problem is reported with its row (as the spreadsheet numbers it) and column; when there is any
problem, or when previewing, the whole transaction is rolled back, so nothing changes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 20000
TRUE_WORDS = {"1", "true", "yes", "ja", "x", "sand"}
FALSE_WORDS = {"0", "false", "no", "nej", "", "falsk"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "—",
            "message": self.message,
        }


@dataclass
class RowOutcome:
    row: int
    action: str  # "create", "update", "unchanged", "error"
    label: str
    changed_fields: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    committed: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, action):
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    @property
    def ok(self):
        return not self.problems


def normalise_header(text) -> str:
    return re.sub(r"[\s_\-.:()/]+", " ", str(text or "")).strip().lower()


def read_table(uploaded) -> tuple[list[str], list[list]]:
    """Headers and rows of an uploaded CSV (comma or semicolon, UTF-8 with or without BOM, or
    Windows-1252) or XLSX file (first sheet)."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise ImportFileError(_("The file is not a readable Excel workbook.")) from error
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        sample = text[:4096]
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        rows = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    while rows and all(cell in (None, "") for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    headers = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    return headers, rows[1:]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # the export defused a formula; take the text back as written
    return text


def parse_decimal(text: str) -> str:
    """Accept 1234.5, 1234,5, 1.234.567,89 and 1,234,567.89 alike."""
    text = text.replace(" ", "").replace("kr.", "").replace("kr", "").replace("\u00a0", "")
    if not text:
        return ""
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return text  # the form reports it
    return text


def parse_bool(text: str):
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return "on"
    if lowered in FALSE_WORDS:
        return ""
    return None


def labels_in_all_languages(label) -> set[str]:
    from django.conf import settings

    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalise_header(str(label)))
    return names


class Importer:
    """Declare `model`, `form_class`, `columns` ({field: extra header aliases}), `key_fields`,
    and override `find_existing` / `resolve_<field>` where cells name related records."""

    model = None
    form_class = None
    columns: dict[str, tuple[str, ...]] = {}
    required_columns: tuple[str, ...] = ()
    ignored_headers: tuple[str, ...] = ()

    def __init__(self, user, create_missing: bool = False):
        self.user = user
        self.create_missing = create_missing
        self._blank_initial = None

    # --- headers ---------------------------------------------------------------------------

    def header_map(self, headers) -> tuple[dict[int, str], list[str]]:
        aliases: dict[str, str] = {}
        form_fields = self.form_class.base_fields
        for name, extra in self.columns.items():
            label = (
                form_fields[name].label if name in form_fields and form_fields[name].label else None
            )
            if label is None:
                try:
                    label = self.model._meta.get_field(name).verbose_name
                except Exception:
                    label = name
            for alias in {
                normalise_header(name),
                *labels_in_all_languages(label),
                *map(normalise_header, extra),
            }:
                aliases.setdefault(alias, name)
        mapping, ignored = {}, []
        for index, header in enumerate(headers):
            key = aliases.get(normalise_header(header))
            if key and key not in mapping.values():
                mapping[index] = key
            elif header:
                ignored.append(header)
        return mapping, ignored

    # --- cell conversion ----------------------------------------------------------------------

    def convert(self, name, text, form_field):
        from django import forms

        resolver = getattr(self, f"resolve_{name}", None)
        if resolver is not None:
            return resolver(text)
        if isinstance(form_field, forms.BooleanField):
            value = parse_bool(text)
            if value is None:
                raise ValueError(
                    _("expected yes/no (ja/nej, true/false), got “%(text)s”") % {"text": text}
                )
            return value
        if isinstance(form_field, forms.DecimalField):
            return parse_decimal(text)
        if isinstance(form_field, forms.TypedChoiceField | forms.ChoiceField) and not isinstance(
            form_field, forms.ModelChoiceField
        ):
            return self.choice_value(text, form_field)
        return text

    @staticmethod
    def choice_value(text, form_field):
        if text == "":
            return ""
        wanted = text.strip().lower()
        for key, label in form_field.choices:
            if str(key).lower() == wanted:
                return key
            for code in ("da", "en"):
                with translation.override(code):
                    if str(label).strip().lower() == wanted:
                        return key
        return text  # the form names the invalid choice

    # --- rows --------------------------------------------------------------------------------

    def find_existing(self, data):
        return None

    def context(self):
        """A context manager around the whole run, e.g. to memoise lookups."""
        return contextlib.nullcontext()

    def describe(self, instance) -> str:
        return str(instance)

    def run(self, uploaded, commit: bool) -> ImportResult:
        result = ImportResult()
        try:
            headers, rows = read_table(uploaded)
        except ImportFileError as error:
            result.problems.append(RowProblem(1, "", str(error)))
            return result
        mapping, result.ignored_columns = self.header_map(headers)
        header_of = {field: headers[index] for index, field in mapping.items()}
        for required in self.required_columns:
            if required not in mapping.values():
                result.problems.append(
                    RowProblem(1, required, _("the column is missing from the file"))
                )
        if result.problems:
            return result
        with transaction.atomic(), self.context():
            for offset, row in enumerate(rows):
                number = offset + 2  # the header is row 1, as the spreadsheet shows it
                if all(cell in (None, "") for cell in row):
                    continue
                self.import_row(number, row, mapping, header_of, result)
            if result.problems or not commit:
                transaction.set_rollback(True)
            else:
                result.committed = True
        return result

    def import_row(self, number, row, mapping, header_of, result):
        form_fields = self.form_class.base_fields
        data, cell_problems = {}, []
        # Convert in the declared column order, so a resolver can use what earlier columns gave
        # (e.g. the unit is looked up in the municipality named in the owner column).
        order = list(self.columns)
        self.current = data
        for index, name in sorted(mapping.items(), key=lambda item: order.index(item[1])):
            text = cell_text(row[index] if index < len(row) else None)
            try:
                value = self.convert(name, text, form_fields.get(name))
            except ValueError as error:
                cell_problems.append(RowProblem(number, header_of[name], str(error)))
                continue
            data[name] = value
        if cell_problems:
            result.problems.extend(cell_problems)
            result.outcomes.append(RowOutcome(number, "error", ""))
            return
        existing = self.find_existing(data)
        if (
            existing is not None
            and not self.model._default_manager.editable_by(self.user)
            .filter(pk=existing.pk)
            .exists()
        ):
            result.problems.append(
                RowProblem(
                    number,
                    "",
                    _("you may not change the existing record “%(name)s”") % {"name": existing},
                )
            )
            result.outcomes.append(RowOutcome(number, "error", str(existing)))
            return
        instance = existing or self.model()
        # Columns missing from the file keep their current values (or the defaults, when new).
        if existing is None:
            if self._blank_initial is None:
                self._blank_initial = self.initial_data(instance)
            full = dict(self._blank_initial)
        else:
            full = self.initial_data(instance)
        full.update(data)
        if existing is not None:
            full["version"] = existing.version
        form = self.form_class(data=full, instance=instance, user=self.user)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                column = header_of.get(name, str(label or name) if name != "__all__" else "")
                for message in errors:
                    result.problems.append(RowProblem(number, column, message))
            result.outcomes.append(RowOutcome(number, "error", str(data.get("name", ""))))
            return
        changed = (
            [name for name in form.changed_data if name != "version"] if existing else list(data)
        )
        if existing is not None and not changed:
            result.outcomes.append(RowOutcome(number, "unchanged", self.describe(existing)))
            return
        saved = form.save(commit=False)
        if existing is None:
            saved.created_by = self.user
            saved.updated_by = self.user
            saved.save()
        else:
            saved.save_if_current(existing.version, user=self.user)
        form.save_m2m()
        result.outcomes.append(
            RowOutcome(number, "update" if existing else "create", self.describe(saved), changed)
        )

    def initial_data(self, instance) -> dict:
        form = self.form_class(instance=instance, user=self.user)
        data = {}
        for name, bound_field in form.initial.items():
            if name not in form.fields:
                continue
            value = bound_field
            if isinstance(value, list):
                data[name] = [getattr(v, "pk", v) for v in value]
            elif hasattr(value, "pk"):
                data[name] = value.pk
            elif isinstance(value, bool):
                data[name] = "on" if value else ""
            elif value is None:
                data[name] = ""
            else:
                data[name] = value
        return data
