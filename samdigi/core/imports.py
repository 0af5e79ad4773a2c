"""Spreadsheet import written once: read CSV or XLSX, map columns, validate every row through the
model's form, preview, and commit all-or-nothing.

Each model declares an Importer: its form, the columns it reads (with the header names other
systems use), how to find an existing record, and how to turn a cell into a form value. Every
problem is reported with its row (as the spreadsheet numbers it) and column; when there is any
problem, or when previewing, the whole transaction is rolled back, so nothing changes.

Files are distrusted before they are parsed: the upload's size, the workbook's uncompressed size,
macros, and the sheet's declared dimension are checked first (a 1.5 KB workbook can declare a cell
at XFD1048576, and openpyxl would fill every empty cell up to it), and rows are then streamed and
never read past the limits.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import decimal
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string

if TYPE_CHECKING:
    from django.db.models import Model
    from django.forms import BaseForm

    from samdigi.core.tables import Table

TRUE_WORDS = {"1", "true", "yes", "ja", "x", "sand"}
FALSE_WORDS = {"0", "false", "no", "nej", "", "falsk"}
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".xlam")


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def max_uncompressed_bytes() -> int:
    return settings.IMPORT_MAX_UNCOMPRESSED_BYTES


def max_columns() -> int:
    return settings.IMPORT_MAX_COLUMNS


def max_cell_chars() -> int:
    return settings.IMPORT_MAX_CELL_CHARS


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


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
    action: str  # "create", "update", "unchanged", "skipped", "error"
    label: str
    changed_fields: list[str] = field(default_factory=list)
    #: For a changed record: {"column", "old", "new"} per changed cell, as the user reads them
    #: (the export's column header, values formatted as on the pages). Plain dicts so that the
    #: staged record stores and reads them back unchanged.
    changes: list[dict] = field(default_factory=list)


@dataclass
class ImportResult:
    committed: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Set when read back from storage, where long lists are cut short.
    counts: dict | None = None
    more_problems: int = 0

    def count(self, action):
        if self.counts is not None:
            return self.counts.get(action, 0)
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
    def skipped(self):
        """Rows equal to a record the user may see but not change (e.g. a neighbour's row in a
        re-imported full export): left alone rather than refused."""
        return self.count("skipped")

    @property
    def ok(self):
        return not self.problems

    def to_dict(self, max_items: int = 1000) -> dict:
        """For the staged-import record: the counts, and the first rows and problems to show."""
        actions = ("create", "update", "unchanged", "skipped", "error")
        return {
            "committed": self.committed,
            "outcomes": [asdict(outcome) for outcome in self.outcomes[:max_items]],
            "problems": [asdict(problem) for problem in self.problems[:max_items]],
            "ignored_columns": list(self.ignored_columns),
            "counts": {action: self.count(action) for action in actions},
            "more_problems": self.more_problems + max(0, len(self.problems) - max_items),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        return cls(
            committed=data.get("committed", False),
            outcomes=[RowOutcome(**outcome) for outcome in data.get("outcomes", [])],
            problems=[RowProblem(**problem) for problem in data.get("problems", [])],
            ignored_columns=list(data.get("ignored_columns", [])),
            counts=data.get("counts"),
            more_problems=data.get("more_problems", 0),
        )


def normalise_header(text) -> str:
    return re.sub(r"[\s_\-.:()/]+", " ", str(text or "")).strip().lower()


def is_blank(row) -> bool:
    return all(cell in (None, "") for cell in row)


# --- reading files ----------------------------------------------------------------------------

DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?\"")
ROW_NUMBER_RE = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
CELL_REF_RE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]+)\d+\"")


def first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The part openpyxl reads as the first worksheet, found from workbook.xml and its relations
    (both small) without parsing the sheets."""
    try:
        workbook = archive.read("xl/workbook.xml")[:1_000_000]
        rels = archive.read("xl/_rels/workbook.xml.rels")[:1_000_000]
    except KeyError:
        return None
    match = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"", workbook)
    if not match:
        return None
    for relation in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = relation.group(0)
        if f'Id="{match.group(1).decode()}"'.encode() in tag:
            target = re.search(rb"Target=\"([^\"]+)\"", tag)
            if target:
                path = target.group(1).decode()
                return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def sheet_extent(archive: zipfile.ZipFile, path: str) -> tuple[int, int]:
    """(rows, columns) the sheet declares in its <dimension ref="A1:XFD1048576"/>, read from the
    first bytes of the part; when it declares none, the highest row and column found by a streaming
    scan (bounded, as the uncompressed size was checked before)."""
    with archive.open(path) as stream:
        head = stream.read(65536)
    match = DIMENSION_RE.search(head)
    if match and (match.group(4) or match.group(2)):
        last_column = match.group(3) or match.group(1) or b"A"
        last_row = match.group(4) or match.group(2)
        return int(last_row), column_index_from_string(last_column.decode())
    rows = columns = 0
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1024 * 1024):
            text = tail + chunk
            for found in ROW_NUMBER_RE.finditer(text):
                rows = max(rows, int(found.group(1)))
            for found in CELL_REF_RE.finditer(text):
                columns = max(columns, column_index_from_string(found.group(1).decode()))
            tail = text[-200:]
    return rows, columns


def check_workbook(data: bytes, name: str) -> None:
    """Refuse a workbook before openpyxl sees it: macros, zip bombs, huge declared sheets."""
    try:
        inspect_workbook(data, name)
    except ImportFileError:
        raise
    except Exception as error:  # encrypted, unknown compression, broken structure
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from error


def inspect_workbook(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from error
    with archive:
        infos = archive.infolist()
        names = {info.filename.lower() for info in infos}
        try:
            content_types = archive.read("[Content_Types].xml")[:1_000_000].lower()
        except KeyError:
            content_types = b""
        if (
            name.endswith(MACRO_EXTENSIONS)
            or b"macroenabled" in content_types
            or any(part.endswith("vbaproject.bin") for part in names)
        ):
            raise ImportFileError(
                _(
                    "The workbook contains macros (.xlsm). Save it as an ordinary Excel workbook "
                    "(.xlsx) or as CSV and upload that."
                )
            )
        total = sum(info.file_size for info in infos)
        if len(infos) > 10000 or total > max_uncompressed_bytes():
            raise ImportFileError(
                _(
                    "The workbook unpacks to %(size)s MB; the limit is %(limit)s MB. Save only "
                    "the data as CSV, or split the file."
                )
                % {"size": megabytes(total), "limit": megabytes(max_uncompressed_bytes())}
            )
        path = first_sheet_path(archive)
        if path is None or path.lower() not in names:
            raise ImportFileError(_("The file is not a readable Excel workbook."))
        try:
            rows, columns = sheet_extent(archive, path)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise ImportFileError(_("The file is not a readable Excel workbook.")) from error
    if rows - 1 > max_rows():
        raise ImportFileError(
            _(
                "The sheet reaches row %(rows)s; at most %(max)s rows can be imported at once. "
                "Delete the empty rows below the data, or split the file."
            )
            % {"rows": rows, "max": max_rows()}
        )
    if columns > max_columns():
        raise ImportFileError(
            _(
                "The sheet reaches column %(columns)s; at most %(max)s columns can be imported. "
                "Delete the empty columns to the right of the data."
            )
            % {"columns": columns, "max": max_columns()}
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8).")
        ) from error


def read_table(uploaded) -> tuple[list[str], list[tuple[int, list]]]:
    """Headers and the non-blank rows, each with its number as the spreadsheet shows it, of an
    uploaded CSV (comma or semicolon; UTF-8 with or without BOM, or Windows-1252) or XLSX file
    (first sheet)."""
    name = (getattr(uploaded, "name", "") or "").lower()
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes():
        raise ImportFileError(
            _("The file is %(size)s MB; the limit for an import is %(limit)s MB.")
            % {"size": megabytes(size), "limit": megabytes(max_bytes())}
        )
    data = uploaded.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is larger than the limit for an import (%(limit)s MB).")
            % {"limit": megabytes(max_bytes())}
        )
    if name.endswith(MACRO_EXTENSIONS):
        raise ImportFileError(
            _(
                "The workbook contains macros (.xlsm). Save it as an ordinary Excel workbook "
                "(.xlsx) or as CSV and upload that."
            )
        )
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        rows = read_workbook_rows(data, name)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = read_csv_rows(data)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    numbered = []
    headers = None
    for number, row in enumerate(rows, start=1):
        if headers is None:
            headers = ["" if cell is None else str(cell).strip() for cell in row]
            continue
        if is_blank(row):
            continue
        if len(numbered) >= max_rows():
            raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": max_rows()})
        numbered.append((number, list(row)))
    if headers is None or (not numbered and is_blank(headers)):
        raise ImportFileError(_("The file is empty."))
    return headers, numbered


def read_workbook_rows(data: bytes, name: str):
    check_workbook(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from error
    try:
        # Bounded on both axes even if the dimension lied: openpyxl stops at max_row and never
        # builds a row wider than max_col. A row past the limit, even a blank one, refuses the
        # file rather than dropping what may follow it.
        for number, row in enumerate(
            sheet.iter_rows(max_row=max_rows() + 2, max_col=max_columns(), values_only=True),
            start=1,
        ):
            if number > max_rows() + 1:
                raise ImportFileError(
                    _("The file has more than %(max)s rows.") % {"max": max_rows()}
                )
            yield row
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from error
    finally:
        workbook.close()


def read_csv_rows(data: bytes):
    text = decode_text(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    # The module-wide limit (128 KiB) would raise on a long field; the file is already capped in
    # size, and overlong cells are reported with their row and column when the rows are read.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes() + 1))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > max_columns() and not is_blank(row[max_columns() :]):
                raise ImportFileError(
                    _("Row %(row)s has more than %(max)s columns.")
                    % {"row": reader.line_num, "max": max_columns()}
                )
            yield row[: max_columns()]
    except csv.Error as error:
        raise ImportFileError(
            _("Row %(row)s cannot be read as CSV: %(error)s")
            % {"row": reader.line_num, "error": error}
        ) from error


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


def choice_lookup(form_field) -> dict:
    """Every way a cell may name a choice (its code, its Danish or English label), built once per
    field instead of once per row."""
    lookup = getattr(form_field, "_import_lookup", None)
    if lookup is None:
        lookup = {}
        for code in ("en", "da"):
            with translation.override(code):
                for key, label in form_field.choices:
                    lookup.setdefault(str(label).strip().lower(), key)
        for key, _label in form_field.choices:
            lookup[str(key).lower()] = key  # a code wins over a label that happens to equal it
        form_field._import_lookup = lookup
    return lookup


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

    model: type[Model] | None = None
    form_class: type[BaseForm] | None = None
    #: The list's table: its column labels are the headers the export writes, so the preview
    #: names a changed cell the way the user's spreadsheet does.
    table_class: type[Table] | None = None
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
        return choice_lookup(form_field).get(text.strip().lower(), text)  # else the form names it

    # --- rows --------------------------------------------------------------------------------

    def find_existing(self, data):
        return None

    def context(self):
        """A context manager around the whole run, e.g. to memoise lookups."""
        return contextlib.nullcontext()

    def describe(self, instance) -> str:
        return str(instance)

    def run(self, uploaded, commit: bool, progress=None) -> ImportResult:
        """Validate every row (and save them all when `commit` and none has a problem).
        `progress(done, total)` is called now and then, for a background run's progress bar."""
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
        total = len(rows)
        with transaction.atomic(), self.context():
            self.prepare(rows, mapping)
            for done, (number, row) in enumerate(rows, start=1):
                self.import_row(number, row, mapping, header_of, result)
                if progress is not None and (done % 200 == 0 or done == total):
                    progress(done, total)
            if result.problems or not commit:
                transaction.set_rollback(True)
            else:
                result.committed = True
        return result

    def prepare(self, rows, mapping):
        """A hook to load what many rows will look up, in a few queries instead of one per row."""

    def editable_ids(self, pks) -> set:
        return set(
            self.model._default_manager.editable_by(self.user)
            .filter(pk__in=pks)
            .values_list("pk", flat=True)
        )

    def visible(self, instance) -> bool:
        return self.model._default_manager.visible_to(self.user).filter(pk=instance.pk).exists()

    def owner_problem(self, data, form_field):
        """A plain answer when the row names an organisation where the user may not create: the
        form alone would say "select a valid choice", which reads like a typing error."""
        owner = data.get("owner")
        if not owner or form_field is None or getattr(form_field, "queryset", None) is None:
            return None
        allowed = self.__dict__.setdefault("_owner_allowed", {})
        if owner not in allowed:  # a file names the same few organisations on every row
            allowed[owner] = form_field.queryset.filter(pk=owner).exists()
        if allowed[owner]:
            return None
        organisation = form_field.queryset.model._default_manager.filter(pk=owner).first()
        return _("you have no rights to add or change records in “%(name)s”") % {
            "name": organisation if organisation is not None else owner
        }

    def import_row(self, number, row, mapping, header_of, result):
        form_fields = self.form_class.base_fields
        data, cell_problems = {}, []
        # Convert in the declared column order, so a resolver can use what earlier columns gave
        # (e.g. the unit is looked up in the municipality named in the owner column).
        order = list(self.columns)
        self.current = data
        for index, name in sorted(mapping.items(), key=lambda item: order.index(item[1])):
            text = cell_text(row[index] if index < len(row) else None)
            if len(text) > max_cell_chars():
                cell_problems.append(
                    RowProblem(
                        number,
                        header_of[name],
                        _("the cell holds %(length)s characters; at most %(max)s are allowed")
                        % {"length": len(text), "max": max_cell_chars()},
                    )
                )
                continue
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
        if existing is not None and existing.pk not in self.editable_ids([existing.pk]):
            if not self.visible(existing):
                # The key collides with a record of another tenant: say so without naming it.
                result.problems.append(
                    RowProblem(
                        number,
                        "",
                        _(
                            "a record with the same key belongs to an organisation you have no "
                            "access to; change the name or number in this row"
                        ),
                    )
                )
                result.outcomes.append(RowOutcome(number, "error", ""))
                return
            if not self.changed_fields(existing, data):
                result.outcomes.append(RowOutcome(number, "skipped", self.describe(existing)))
                return
            result.problems.append(
                RowProblem(
                    number,
                    "",
                    _("you may not change the existing record “%(name)s”") % {"name": existing},
                )
            )
            result.outcomes.append(RowOutcome(number, "error", str(existing)))
            return
        if "owner" in data and (existing is None or str(existing.owner_id) != str(data["owner"])):
            problem = self.owner_problem(data, self._owner_field())
            if problem:
                result.problems.append(RowProblem(number, header_of.get("owner", ""), problem))
                result.outcomes.append(RowOutcome(number, "error", ""))
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
            if existing is not None:
                # Validation wrote the row's values onto the instance; a later row naming the same
                # record (kept by `remember`) must compare with what is stored.
                existing.refresh_from_db()
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
        changes = self.describe_changes(form, changed, header_of) if existing else []
        saved = form.save(commit=False)
        if existing is None:
            saved.created_by = self.user
            saved.updated_by = self.user
            saved.save()
        else:
            saved.save_if_current(existing.version, user=self.user)
        form.save_m2m()
        self.remember(saved)
        result.outcomes.append(
            RowOutcome(
                number, "update" if existing else "create", self.describe(saved), changed, changes
            )
        )

    def column_labels(self) -> dict:
        """Field name → the export's column header (from the list's table), read once per run."""
        labels = self.__dict__.get("_column_labels")
        if labels is None:
            labels = {}
            if self.table_class is not None and self.model is not None:
                table = self.table_class(self.model._default_manager.none())
                labels = {column.name: str(column.label) for column in table.export_columns()}
            self._column_labels = labels
        return labels

    def describe_changes(self, form, names, header_of) -> list[dict]:
        """Old → new for each changed cell of a bound, valid form on an existing record. The old
        value is the form's initial (read from the record before validation wrote the row onto
        it), the new one what the form cleaned."""
        labels = self.column_labels()
        changes = []
        for name in names:
            form_field = form.fields.get(name)
            column = (
                labels.get(name) or header_of.get(name) or str(getattr(form_field, "label", name))
            )
            changes.append(
                {
                    "column": column,
                    "old": self.display_value(form_field, form.initial.get(name)),
                    "new": self.display_value(form_field, form.cleaned_data.get(name)),
                }
            )
        return changes

    def display_value(self, form_field, value) -> str:
        from django import forms

        from samdigi.core.formatting import display

        if value is None or value == "" or value == []:
            return ""
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            items = list(value)
            pks = [item for item in items if not hasattr(item, "pk")]
            if pks:
                model = form_field.queryset.model
                items = [i for i in items if hasattr(i, "pk")] + list(
                    model._default_manager.filter(pk__in=pks)
                )
            return "; ".join(sorted(str(item) for item in items))
        if isinstance(form_field, forms.ModelChoiceField):
            if not hasattr(value, "pk"):
                cache = self.__dict__.setdefault("_display_cache", {})
                key = (form_field.queryset.model, value)
                if key not in cache:
                    cache[key] = form_field.queryset.model._default_manager.filter(pk=value).first()
                value = cache[key]
            return "" if value is None else str(value)
        if isinstance(form_field, forms.BooleanField):
            return display(bool(value))
        if isinstance(form_field, forms.ChoiceField):
            return str(dict(form_field.choices).get(value, value))
        return display(value)

    def remember(self, instance):
        """A hook for importers that keep records looked up in `prepare`: a later row may name
        the record this row created or renamed."""

    def _owner_field(self):
        if "owner" not in self.form_class.base_fields:
            return None
        if getattr(self, "_owner_form_field", None) is None:
            self._owner_form_field = self.form_class(user=self.user).fields["owner"]
        return self._owner_form_field

    def changed_fields(self, existing, data) -> list[str]:
        """The columns whose cells differ from the record, compared as the form would (no
        validation: the user may not be able to pick the record's owner in the form)."""
        full = self.initial_data(existing)
        full.update(data)
        form = self.form_class(data=full, instance=existing, user=self.user)
        return [name for name in form.changed_data if name != "version" and name in data]

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
