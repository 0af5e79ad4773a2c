"""The KLE reader: small synthetic files in the shape docs/domain.md describes ("KLE"), hostile ones included.

The real plan is KL's and is never used here; every title below is made up or a main-group title.
"""

import contextlib
import datetime as dt
import html
import io
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samdigi.landscape.rules.kle import (
    KLE_MAIN_GROUPS,
    KleEntry,
    KleFormatError,
    html_to_text,
    kle_level,
    kle_parent_number,
    parse_kle,
)

PROPERTY_SETTINGS = settings(database=None, deadline=None, max_examples=200)

UUIDS = [f"0000000{i}-AAAA-4BBB-8CCC-0000000000{i:02d}" for i in range(10)]


def admin(prefix: str, created="1988-01-01", changed=None, retired=None) -> str:
    parts = [f"<OprettetDato>{created}</OprettetDato>"]
    if changed:
        parts.append(f"<RettetDato>{changed}</RettetDato>")
    if retired:
        parts.append(f"<UdgaaetDato>{retired}</UdgaaetDato>")
    return f"<{prefix}AdministrativInfo>{''.join(parts)}</{prefix}AdministrativInfo>"


def guidance(prefix: str, markup: str | None) -> str:
    if markup is None:
        return ""
    return f"<{prefix}Vejledning><VejledningTekst>{escape(markup)}</VejledningTekst></{prefix}Vejledning>"


def emne(number, title, uuid, guide=None, retired=None, keywords=()) -> str:
    words = "".join(f"<Tekst>{escape(word)}</Tekst>" for word in keywords)
    return (
        f"<Emne><EmneNr>{number}</EmneNr><EmneTitel>{escape(title)}</EmneTitel>"
        f"{guidance('Emne', guide)}"
        "<EmneRetskildeReference><RetskildeTitel>Lov om noget</RetskildeTitel>"
        "<RetsinfoAccessionsNr>A20000000000</RetsinfoAccessionsNr>"
        "<RetsinfoURL>https://www.retsinformation.dk/eli/lta/2000/1</RetsinfoURL>"
        "</EmneRetskildeReference>"
        f"{admin('Emne', changed='2020-05-01', retired=retired)}"
        "<BevaringJaevnfoerArkivloven>B</BevaringJaevnfoerArkivloven>"
        "<SletningJaevnfoerPersondataloven>P1825D</SletningJaevnfoerPersondataloven>"
        f"<EmneStikord>{words}</EmneStikord>"
        f"<UUID>{uuid}</UUID></Emne>"
    )


def gruppe(number, title, uuid, children="", guide=None, retired=None) -> str:
    return (
        f"<Gruppe><GruppeNr>{number}</GruppeNr><GruppeTitel>{escape(title)}</GruppeTitel>"
        f"{guidance('Gruppe', guide)}{admin('Gruppe', retired=retired)}<UUID>{uuid}</UUID>"
        f"{children}</Gruppe>"
    )


def hovedgruppe(number, title, uuid, children="", guide=None) -> str:
    return (
        f"<Hovedgruppe><HovedgruppeNr>{number}</HovedgruppeNr>"
        f"<HovedgruppeTitel>{escape(title)}</HovedgruppeTitel>{guidance('Hovedgruppe', guide)}"
        f"{admin('Hovedgruppe')}<UUID>{uuid}</UUID>{children}</Hovedgruppe>"
    )


def plan(body: str, prolog: str = "", root_attrs: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{prolog}<KLE-Emneplan{root_attrs}>\n<UdgivelsesDato>2026-02-01</UdgivelsesDato>\n"
        f"{body}\n</KLE-Emneplan>\n"
    ).encode()


SAMPLE = plan(
    hovedgruppe(
        "00",
        "Kommunens styrelse",
        UUIDS[0],
        guide="<p>Hovedgruppen dækker <b>styrelsen</b>.</p>",
        children=gruppe(
            "00.01",
            "Kommunalbestyrelsen",
            UUIDS[1],
            children=emne("00.01.00", "Kommunalbestyrelsen i almindelighed", UUIDS[2])
            + emne(
                "00.01.10",
                "Et udgået emne",
                UUIDS[3],
                retired="2024-01-01",
                keywords=["byråd", " kommunal\nbestyrelse "],
            ),
        )
        + gruppe("00.03", "En gruppe uden emner", UUIDS[4]),
    )
    + "\n"
    + hovedgruppe(
        "85",
        "Kommunens administrative systemer",
        UUIDS[5],
        children=gruppe(
            "85.02",
            "It-systemer",
            UUIDS[6],
            children=emne("85.02.10", "Sagsstyring", UUIDS[7], guide="Brug emnet til ESDH."),
        ),
    )
)


def read(data: bytes | str, **kwargs) -> list[KleEntry]:
    stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return list(parse_kle(stream, **kwargs))


# --- the happy path ------------------------------------------------------------------------------


def test_entries_in_file_order_parents_first():
    entries = read(SAMPLE)
    assert [(e.number, e.level, e.parent_number) for e in entries] == [
        ("00", 1, None),
        ("00.01", 2, "00"),
        ("00.01.00", 3, "00.01"),
        ("00.01.10", 3, "00.01"),
        ("00.03", 2, "00"),
        ("85", 1, None),
        ("85.02", 2, "85"),
        ("85.02.10", 3, "85.02"),
    ]


def test_entry_fields():
    entries = {e.number: e for e in read(SAMPLE)}
    main = entries["00"]
    assert main.title == "Kommunens styrelse"
    assert main.uuid == UUIDS[0].lower()
    assert main.created == dt.date(1988, 1, 1)
    assert main.changed is None
    assert main.retired is None
    assert main.guidance == "Hovedgruppen dækker styrelsen."

    topic = entries["00.01.00"]
    assert topic.changed == dt.date(2020, 5, 1)
    assert topic.preservation == "B"
    assert topic.keywords == ()
    assert topic.guidance == ""

    retired = entries["00.01.10"]
    assert retired.retired == dt.date(2024, 1, 1)
    assert retired.is_retired_on(dt.date(2024, 1, 1))
    assert not retired.is_retired_on(dt.date(2023, 12, 31))
    assert retired.keywords == ("byråd", "kommunal bestyrelse")

    assert entries["85.02.10"].guidance == "Brug emnet til ESDH."


def test_publication_date():
    reader = parse_kle(io.BytesIO(SAMPLE))
    assert reader.publication_date is None
    first = next(reader)
    assert first.number == "00"
    assert reader.publication_date == dt.date(2026, 2, 1)


def test_text_stream_and_tiny_chunks_give_the_same_result():
    expected = read(SAMPLE)
    assert read(SAMPLE.decode()) == expected
    assert read(SAMPLE, chunk_size=1) == expected
    assert read(SAMPLE, chunk_size=7) == expected


def test_declared_encoding_is_honoured():
    latin = SAMPLE.decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert read(latin) == read(SAMPLE)


def test_default_namespace_is_ignored():
    data = plan(
        hovedgruppe("27", "Social service", UUIDS[0]), root_attrs=' xmlns="urn:example:kle"'
    )
    assert [e.title for e in read(data)] == ["Social service"]


def test_unknown_elements_are_ignored():
    body = (
        "<Kommentar><Emne>not a topic: deep inside unknown content</Emne></Kommentar>"
        + hovedgruppe("27", "Social service", UUIDS[0], children="<Filtre><Filter/></Filtre>")
    )
    assert [e.number for e in read(plan(body))] == ["27"]


def test_uuid_and_dates_inside_administrative_info_and_with_time():
    body = (
        "<Hovedgruppe><HovedgruppeNr>28</HovedgruppeNr><HovedgruppeTitel>Dagtilbud"
        "</HovedgruppeTitel><HovedgruppeAdministrativInfo>"
        "<OprettetDato>2007-01-01T00:00:00</OprettetDato><UdgaaetDato>2030-01-01+01:00</UdgaaetDato>"
        f"<UUID>{UUIDS[1]}</UUID></HovedgruppeAdministrativInfo></Hovedgruppe>"
    )
    (entry,) = read(plan(body))
    assert entry.uuid == UUIDS[1].lower()
    assert entry.created == dt.date(2007, 1, 1)
    assert entry.retired == dt.date(2030, 1, 1)


def test_reading_is_lazy():
    """A streaming reader yields the first entry long before it has read the whole file."""
    topics = "".join(emne(f"27.01.{i % 100:02d}", f"Emne {i}", UUIDS[i % 10]) for i in range(3000))
    data = plan(
        hovedgruppe("27", "Social service", UUIDS[0], gruppe("27.01", "G", UUIDS[1], topics))
    )

    class CountingStream(io.BytesIO):
        consumed = 0

        def read(self, size=-1):
            chunk = super().read(size)
            self.consumed += len(chunk)
            return chunk

    stream = CountingStream(data)
    reader = parse_kle(stream, chunk_size=4096)
    next(reader)
    next(reader)
    assert stream.consumed < len(data) / 10
    assert sum(1 for _ in reader) == 3000


# --- guidance is plain text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Første afsnit.</p><p>Andet <i>afsnit</i>.</p>", "Første afsnit.\n\nAndet afsnit."),
        ("Linje et<br>linje to<br/>linje tre", "Linje et\nlinje to\nlinje tre"),
        ("<ul><li>en</li><li>to</li></ul>", "- en\n- to"),
        ("<p>Hej<script>alert('x')</script> verden</p>", "Hej verden"),
        ("<style>p { color: red }</style>Tekst", "Tekst"),
        ('<a href="javascript:alert(1)" onclick="x()">link</a>', "link"),
        ('<img src=x onerror="alert(1)">', ""),
        ("Søg &amp; find &lt;her&gt; &#229; &aring;", "Søg & find <her> å å"),
        ("  ord\n   med\tmellemrum  ", "ord med mellemrum"),
        ("<!-- kommentar -->synlig", "synlig"),
        ("", ""),
    ],
)
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


def test_guidance_never_contains_markup_from_the_file():
    hostile = (
        '<p onmouseover="steal()">Vejledning</p><script>document.cookie</script>'
        '<iframe src="https://evil.example"></iframe><b>fed</b>'
    )
    data = plan(hovedgruppe("00", "Kommunens styrelse", UUIDS[0], guide=hostile))
    (entry,) = read(data)
    assert entry.guidance == "Vejledning\nfed"
    assert "<" not in entry.guidance
    assert "cookie" not in entry.guidance


def test_guidance_as_cdata_or_as_xhtml_elements():
    cdata = (
        "<Hovedgruppe><HovedgruppeNr>29</HovedgruppeNr><HovedgruppeTitel>Sundhed"
        "</HovedgruppeTitel><HovedgruppeVejledning><VejledningTekst><![CDATA[<p>Se <b>også</b>"
        " 27.</p>]]></VejledningTekst></HovedgruppeVejledning></Hovedgruppe>"
    )
    xhtml = (
        "<Hovedgruppe><HovedgruppeNr>32</HovedgruppeNr><HovedgruppeTitel>Kontante ydelser"
        "</HovedgruppeTitel><HovedgruppeVejledning><VejledningTekst>Indledning"
        '<p xmlns="http://www.w3.org/1999/xhtml">Se <b>også</b> 27.</p>efter'
        "</VejledningTekst></HovedgruppeVejledning></Hovedgruppe>"
    )
    first, second = read(plan(cdata + xhtml))
    assert first.guidance == "Se også 27."
    assert second.guidance == "Indledning\nSe også 27.\nefter"


# --- hostile files are refused -------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE KLE-Emneplan [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<KLE-Emneplan>
  <Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>&lol9;</HovedgruppeTitel>
  </Hovedgruppe>
</KLE-Emneplan>
"""


@pytest.mark.parametrize("chunk_size", [64 * 1024, 1, 13])
def test_billion_laughs_is_refused(chunk_size):
    with pytest.raises(KleFormatError, match="document type declaration") as info:
        read(BILLION_LAUGHS, chunk_size=chunk_size)
    assert info.value.line == 2
    assert str(info.value).startswith("Line 2: ")


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE KLE-Emneplan [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr>"
        "<HovedgruppeTitel>&xxe;</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>"
    ).encode()
    with pytest.raises(KleFormatError) as info:
        read(data)
    assert "TOP-SECRET" not in str(info.value)
    assert info.value.line == 2


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE KLE-Emneplan SYSTEM "http://example.invalid/kle.dtd">\n',
        '<!DOCTYPE KLE-Emneplan PUBLIC "-//X//Y" "kle.dtd">\n',
        '<!DOCTYPE KLE-Emneplan [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>\n',
        "<!DOCTYPE KLE-Emneplan>\n",
        "<!DOCTYPE KLE-Emneplan [\n<!ELEMENT KLE-Emneplan ANY>\n]>\n",
    ],
)
def test_any_dtd_is_refused(prolog):
    with pytest.raises(KleFormatError, match="DOCTYPE"):
        read(plan("", prolog=prolog))


def test_entity_reference_without_declaration_is_refused_with_line():
    data = plan(hovedgruppe("00", "Kommunens styrelse", UUIDS[0]).replace("styrelse", "&nbsp;"))
    with pytest.raises(KleFormatError, match="undefined entity") as info:
        read(data)
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty", None),
        (b"<KLE-Emneplan><Hovedgruppe></KLE-Emneplan>", "mismatched tag", 1),
        (b'<?xml version="1.0"?>\n<KLE-Emneplan>\n<UdgivelsesDato>', "no element found", 3),
        (b"not xml at all", "syntax error", 1),
        (b"<KLE-Emneplan></KLE-Emneplan><more/>", "junk after document element", 1),
    ],
)
def test_malformed_xml(data, message, line):
    with pytest.raises(KleFormatError, match=message) as info:
        read(data)
    assert info.value.line == line


# --- files that are XML but not KLE --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (gruppe("00.01", "G", UUIDS[0]), "<Gruppe> directly inside <KLE-Emneplan>"),
        (
            hovedgruppe("00", "H", UUIDS[0], emne("00.01.00", "E", UUIDS[1])),
            "<Emne> directly inside <Hovedgruppe 00>",
        ),
        (hovedgruppe("0", "H", UUIDS[0]), "'0'.*does not have the form NN"),
        (hovedgruppe("AB", "H", UUIDS[0]), "does not have the form NN"),
        (
            hovedgruppe("00", "H", UUIDS[0], gruppe("01.01", "G", UUIDS[1])),
            "Gruppe 01.01 is inside 00 but is not numbered under it",
        ),
        (
            hovedgruppe("00", "H", UUIDS[0], gruppe("00.01.01", "G", UUIDS[1])),
            "does not have the form NN.NN",
        ),
        (hovedgruppe("00", "", UUIDS[0]), "Hovedgruppe 00 has no <HovedgruppeTitel>"),
        ("<Hovedgruppe><HovedgruppeTitel>X</HovedgruppeTitel></Hovedgruppe>", "no <HovedgruppeNr>"),
        (hovedgruppe("00", "H", "not-a-uuid"), "UUID 'not-a-uuid' is not a UUID"),
        (
            hovedgruppe("00", "H", UUIDS[0]).replace("1988-01-01", "01-01-1988"),
            "OprettetDato '01-01-1988' is not a date",
        ),
        (
            hovedgruppe("00", "H", UUIDS[0]).replace("1988-01-01", "1988-02-30"),
            "is not a date",
        ),
        (
            hovedgruppe("00", "H", UUIDS[0], gruppe("00.01", "G", UUIDS[1]))
            .replace(f"<UUID>{UUIDS[0]}</UUID>", "")
            .replace("</Hovedgruppe>", f"<UUID>{UUIDS[0]}</UUID></Hovedgruppe>"),
            "Hovedgruppe 00: <UUID> comes after its <Gruppe> elements",
        ),
    ],
)
def test_structure_errors(body, message):
    with pytest.raises(KleFormatError, match=message):
        read(plan(body))


def test_wrong_root_is_refused():
    with pytest.raises(KleFormatError, match="root element is <html>"):
        read(b"<html><body/></html>")


def test_bad_publication_date():
    with pytest.raises(KleFormatError, match="UdgivelsesDato"):
        read(plan("").replace(b"2026-02-01", b"februar"))


# --- numbers and main groups ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "level", "parent"),
    [("00", 1, None), ("27.24", 2, "27"), ("85.02.10", 3, "85.02")],
)
def test_kle_level_and_parent(number, level, parent):
    assert kle_level(number) == level
    assert kle_parent_number(number) == parent


@pytest.mark.parametrize("bad", ["", "1", "001", "00.1", "00.01.", "00.01.01.01", "aa", "٠٠"])
def test_kle_level_rejects(bad):
    with pytest.raises(ValueError):
        kle_level(bad)


def test_main_groups():
    numbers = [number for number, _ in KLE_MAIN_GROUPS]
    assert numbers == sorted(set(numbers))
    assert all(kle_level(number) == 1 for number in numbers)
    assert all(title and title == title.strip() for _, title in KLE_MAIN_GROUPS)
    titles = dict(KLE_MAIN_GROUPS)
    # The ones docs/domain.md names.
    assert titles["00"] == "Kommunens styrelse"
    assert titles["27"] == "Social service"
    assert titles["28"] == "Dagtilbud"
    assert titles["29"] == "Sundhed"
    assert titles["32"] == "Kontante ydelser"
    assert titles["54"] == "Uddannelse"
    assert titles["85"] == "Kommunens administrative systemer"
    assert titles["88"] == "Kommunens indkøb og udbud"


# --- properties ----------------------------------------------------------------------------------

# Characters XML 1.0 can carry: no control characters, surrogates or non-characters.
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), max_size=60
)


@PROPERTY_SETTINGS
@given(xml_text, xml_text)
def test_property_titles_and_guidance_survive_as_plain_text(title, text):
    normalised_title = " ".join(title.split())
    data = plan(
        hovedgruppe(
            "00", title if title.strip() else "x", UUIDS[0], guide=f"<p>{html.escape(text)}</p>"
        )
    )
    (entry,) = read(data)
    assert entry.title == (normalised_title or "x")
    assert entry.guidance == " ".join(text.split())


@PROPERTY_SETTINGS
@given(st.binary(max_size=200))
def test_property_garbage_raises_only_kle_format_error(data):
    with contextlib.suppress(KleFormatError):
        read(data)
