"""Declarative tables: the columns a list page shows are the columns its CSV and XLSX export.

A table declares Columns; each reads a value from a row by a dotted accessor (fields, related
fields, choice labels via `get_x_display`, or methods) so the page and the export never disagree.
"""

import csv
import datetime
import decimal
import io
import re
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from samdigi.core.formatting import display

if TYPE_CHECKING:
    from django.db.models import Model


class Column:
    creation_counter = 0

    def __init__(
        self,
        accessor: str,
        label=None,
        order_by: str | None | bool = True,
        link: bool = False,
        formatter=None,
        export: bool = True,
    ):
        self.accessor = accessor
        self.label = label
        # True: sort by the accessor as an ORM path; a string: sort by that path; None/False: no sort.
        self.order_by = accessor.replace(".", "__") if order_by is True else order_by or None
        self.link = link
        self.formatter = formatter
        self.export = export
        self.name = None
        Column.creation_counter += 1
        self._order = Column.creation_counter

    def raw(self, obj):
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            display_method = getattr(value, f"get_{part}_display", None)
            value = display_method() if display_method else getattr(value, part)
            if callable(value) and not hasattr(value, "all"):
                value = value()
        if hasattr(value, "all"):
            value = "; ".join(str(v) for v in value.all())
        return value

    def text(self, obj) -> str:
        value = self.raw(obj)
        if self.formatter:
            return self.formatter(value)
        return display(value)


class TableMeta(type):
    def __new__(mcs, name, bases, attrs):
        columns = {}
        for base in bases:
            columns.update(getattr(base, "base_columns", {}))
        declared = [(key, value) for key, value in attrs.items() if isinstance(value, Column)]
        declared.sort(key=lambda item: item[1]._order)
        for key, column in declared:
            column.name = key
            columns[key] = column
            attrs.pop(key)
        attrs["base_columns"] = columns
        return super().__new__(mcs, name, bases, attrs)


class Table(metaclass=TableMeta):
    """Subclasses declare Columns and may name select_related / prefetch_related paths so a page
    of any length costs the same number of queries."""

    model: "type[Model] | None" = None
    base_columns: dict[str, Column]  # collected by TableMeta
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    default_order: str | None = None

    def __init__(self, queryset, order_by: str | None = None):
        self.columns = list(self.base_columns.values())
        for column in self.columns:
            if column.label is None:
                column.label = self._label_for(column)
        self.order_by = None
        if order_by:
            descending = order_by.startswith("-")
            key = order_by.lstrip("-")
            sorted_by = self.base_columns.get(key)
            if sorted_by and sorted_by.order_by:
                self.order_by = order_by
                path = sorted_by.order_by
                queryset = queryset.order_by(f"-{path}" if descending else path, "pk")
        elif self.default_order:
            queryset = queryset.order_by(self.default_order)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        self.queryset = queryset

    def _label_for(self, column):
        model = self.model or self.queryset_model()
        try:
            field = model._meta.get_field(column.accessor.split(".")[0])
            return field.verbose_name
        except Exception:
            return column.name.replace("_", " ")

    def queryset_model(self):
        return None

    def headers(self):
        for column in self.columns:
            sort = None
            if column.order_by:
                sort = f"-{column.name}" if self.order_by == column.name else column.name
            yield {
                "column": column,
                "label": column.label,
                "sort": sort,
                "sorted": self.order_by.lstrip("-") == column.name if self.order_by else False,
                "descending": bool(self.order_by and self.order_by.startswith("-")),
            }

    def rows(self, objects):
        for obj in objects:
            cells = []
            for column in self.columns:
                url = (
                    obj.get_absolute_url()
                    if column.link and hasattr(obj, "get_absolute_url")
                    else None
                )
                cells.append({"text": column.text(obj), "url": url})
            yield {"object": obj, "cells": cells}

    # --- export -----------------------------------------------------------------------------

    def export_columns(self):
        return [c for c in self.columns if c.export]

    @staticmethod
    def _export_value(column, obj):
        value = column.raw(obj)
        if value is None:
            return ""
        if isinstance(value, bool | int | float | decimal.Decimal | datetime.date):
            return value
        return str(value)

    def export_rows(self):
        columns = self.export_columns()
        for obj in (
            self.queryset.iterator(chunk_size=2000) if not self.prefetch_related else self.queryset
        ):
            yield [self._export_value(c, obj) for c in columns]

    def as_csv(self, filename: str) -> HttpResponse:
        labels = [str(c.label) for c in self.export_columns()]
        return csv_response(filename, labels, self.export_rows())

    def as_xlsx(self, filename: str) -> HttpResponse:
        labels = [str(c.label) for c in self.export_columns()]
        return xlsx_response(filename, labels, self.export_rows())


def csv_response(filename: str, headers: list[str], rows) -> HttpResponse:
    """A downloadable CSV (semicolons, UTF-8 with BOM) as Danish Excel opens it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return response


def xlsx_response(filename: str, headers: list[str], rows) -> HttpResponse:
    """A downloadable one-sheet workbook with typed cells (dates as dates, numbers as numbers)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(filename)[:31] or "data")
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.xlsx"'
    return response


def _csv_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    return defuse_formula(str(value))


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # openpyxl stores any string starting with "=" as a formula.
        return defuse_formula(value)
    return value


# A cell starting with one of these is read as a formula (or DDE command) by Excel, LibreOffice or
# Google Sheets; the fullwidth forms too, as the spreadsheets normalise them (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def defuse_formula(text: str) -> str:
    """User text for a spreadsheet cell: prefixed with an apostrophe when it would start a
    formula. A plain signed number ("-12,5") is left alone: it means the number it shows."""
    if text[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
