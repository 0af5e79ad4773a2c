"""Bad input gets a clear 4xx, never a 500 (issue 16): query parameters are validated by the filter
form, integers are checked against the database's range, exports defuse spreadsheet formulas, and
the schema says what may be null."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from samdigi.core.filters import integer_range, out_of_range
from samdigi.core.tables import defuse_formula
from samdigi.core.testing import api_client_for, client_for
from samdigi.landscape.models import Contract, Vendor

# One past the largest id this database stores (bigint ids: 2**63 - 1 on SQLite and PostgreSQL),
# and far beyond it.
PAST_AUTOFIELD = str(integer_range(Contract._meta.pk)[1] + 1)
HUGE = "1" + "0" * 30


def contract(world, **kwargs):
    vendor = Vendor.objects.get_or_create(name="Leverandør")[0]
    values = {
        "owner": world.own,
        "vendor": vendor,
        "name": "Kontrakt",
        "expiration": datetime.date(2028, 12, 31),
        "notice_months": 6,
        "option_count": 1,
        "option_months": 12,
    }
    values.update(kwargs)
    return Contract.objects.create(**values)


# --- pure rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", False),
        ("-5", False),
        (PAST_AUTOFIELD, True),
        ("-" + HUGE, True),
        ("abc", False),  # not a number: left to the field's own validation
        ("", False),
    ],
)
def test_out_of_range_checks_against_the_column_range(value, expected):
    assert out_of_range(value, integer_range(Contract._meta.pk)) is expected


def test_integer_range_follows_a_foreign_key_to_the_column_it_points_at():
    owner = Contract._meta.get_field("owner")
    assert integer_range(owner) == connection.ops.integer_field_range("BigAutoField")
    # Each column its own range (PostgreSQL smallint: 32767).
    notice = Contract._meta.get_field("notice_months")
    assert integer_range(notice) == connection.ops.integer_field_range("PositiveSmallIntegerField")
    assert integer_range(Contract._meta.get_field("name")) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45 12 34 56 78", "'+45 12 34 56 78"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ('＝HYPERLINK("http://x")', '\'＝HYPERLINK("http://x")'),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("-12,5", "-12,5"),
        ("-12", "-12"),
        ("ESDH", "ESDH"),
        ("", ""),
    ],
)
def test_defuse_formula(text, expected):
    assert defuse_formula(text) == expected


# --- the API's query parameters -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/api/v1/contracts/", {"owner": "x"}, "owner"),
        ("/api/v1/contracts/", {"owner": PAST_AUTOFIELD}, "owner"),
        ("/api/v1/contracts/", {"owner": HUGE}, "owner"),
        ("/api/v1/contracts/", {"ends_before": "soon"}, "ends_before"),
        ("/api/v1/milestones/", {"project": "-7.76e+132"}, "project"),
        ("/api/v1/milestones/", {"project": PAST_AUTOFIELD}, "project"),
        ("/api/v1/milestones/", {"project": "1.5"}, "project"),
        ("/api/v1/projects/", {"municipality": HUGE}, "municipality"),
        ("/api/v1/municipalities/", {"association": HUGE}, "association"),
        ("/api/v1/deadlines/", {"association": "x"}, "association"),
        ("/api/v1/deadlines/", {"association": HUGE}, "association"),
        ("/api/v1/deadlines/", {"municipality": "999"}, "municipality"),
        ("/api/v1/deadlines/", {"kind": "soon"}, "kind"),
        ("/api/v1/deadlines/", {"from": "tomorrow"}, "from"),
        ("/api/v1/deadlines/", {"to": "2026-02-30"}, "to"),
    ],
)
def test_a_bad_query_parameter_gets_400_naming_it(world, path, params, parameter):
    response = api_client_for(world, "association_admin").get(path, params)
    assert response.status_code == 400, response.content
    assert parameter in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [PAST_AUTOFIELD, HUGE])
def test_a_huge_id_in_the_path_is_not_found(world, pk):
    client = api_client_for(world, "own_admin")
    assert client.get(f"/api/v1/contracts/{pk}/").status_code == 404
    assert client.get(f"/api/v1/contracts/{pk}/history/").status_code == 404


@pytest.mark.django_db
def test_a_huge_id_on_a_list_page_is_a_form_error_not_a_500(world):
    contract(world)
    client = client_for(world, "own_admin")
    response = client.get(reverse("landscape:contract_list"), {"owner": HUGE})
    assert response.status_code == 200
    milestones = client.get(reverse("portfolio:milestone_list"), {"project": PAST_AUTOFIELD})
    assert milestones.status_code == 200


@pytest.mark.django_db
def test_good_filters_still_filter(world):
    mine = contract(world, name="Min")
    contract(world, owner=world.peer, name="Naboens")
    response = api_client_for(world, "association_admin").get(
        "/api/v1/contracts/", {"owner": world.own.pk}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


# --- exports ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_exports_defuse_formulas_and_keep_numbers(world):
    contract(world, name='＝HYPERLINK("http://evil";"klik")', annual_value=Decimal("1500"))
    contract(world, name="=1+1", notice_months=3, contract_number="-12")
    client = client_for(world, "own_viewer")
    url = reverse("landscape:contract_list")
    text = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'＝HYPERLINK("http://evil";"klik")' in cells
    assert "'=1+1" in cells
    assert not any(cell[:1] in "=＝" for cell in cells if cell)
    assert "-12" in cells  # a plain number is left alone

    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "'=1+1" in values
    assert '\'＝HYPERLINK("http://evil";"klik")' in values
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert 3 in values and 6 in values  # numbers stay numbers
    assert Decimal("1500") in values or 1500 in values


# --- the schema says what may be null -------------------------------------------------------------


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
def test_fields_that_answer_null_are_nullable_in_the_schema(world):
    obj = contract(world, option_count=0, option_months=0)
    answer = api_client_for(world, "own_admin").get(f"/api/v1/contracts/{obj.pk}/").json()
    history = api_client_for(world, "own_admin").get(f"/api/v1/contracts/{obj.pk}/history/")
    assert answer["option_decision_date"] is None
    assert history.json()["results"][0]["user"] is None  # created outside a request

    schemas = _schema()["components"]["schemas"]
    assert schemas["Contract"]["properties"]["option_decision_date"]["nullable"] is True
    assert schemas["ChangeRecord"]["properties"]["user"]["nullable"] is True
    # A field that is never null stays non-nullable.
    assert "nullable" not in schemas["Contract"]["properties"]["name"]


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers():
    paths = _schema()["paths"]
    contract_detail = paths["/api/v1/contracts/{id}/"]
    assert {"400", "401", "403", "404", "409"} <= set(contract_detail["patch"]["responses"])
    assert {"400", "401", "403", "404"} <= set(paths["/api/v1/contracts/"]["get"]["responses"])
    assert "409" not in paths["/api/v1/contracts/"]["get"]["responses"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "valid"), [("6", True), ("-1", False), (HUGE, False), ("1.5", False), ("x", False)]
)
def test_a_number_filter_is_held_to_its_columns_range(value, valid):
    import django_filters

    from samdigi.core.filters import StrictFilterSet

    class NoticeFilterSet(StrictFilterSet):
        notice = django_filters.NumberFilter(field_name="notice_months")

        class Meta:
            model = Contract
            fields = ["notice"]

    filterset = NoticeFilterSet({"notice": value}, queryset=Contract.objects.all())
    assert filterset.is_valid() is valid
    if valid:
        assert list(filterset.qs) == []
    else:
        assert "notice" in filterset.errors


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["owner", "vendor", "co_owners", "systems"])
def test_a_huge_id_in_a_request_body_is_refused_naming_the_field(world, field):
    vendor = Vendor.objects.get_or_create(name="Leverandør")[0]
    data = {
        "owner": world.own.pk,
        "vendor": vendor.pk,
        "name": "Kontrakt",
        "expiration_date": "2029-06-30",
    }
    data[field] = [int(HUGE) * 10**8] if field in ("co_owners", "systems") else int(HUGE) * 10**8
    response = api_client_for(world, "own_admin").post("/api/v1/contracts/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.django_db
def test_lookups_by_an_out_of_range_id_match_nothing(world):
    from samdigi.organizations.models import Municipality

    huge = int(HUGE)
    assert not Municipality.objects.filter(pk=huge).exists()  # a one-to-one primary key
    assert not Contract.objects.filter(owner=huge).exists()
    assert not Contract.objects.filter(pk__in=[huge, -huge]).exists()
    mine = contract(world)
    assert list(Contract.objects.filter(pk__in=[huge, mine.pk])) == [mine]
