"""Reading KL's KLE plan ("KLE-Emneplan" XML, described in docs/domain.md, "KLE").

The plan is licensed by KL and may not be bundled, so the product imports the file a user uploads.
That file is untrusted input of several megabytes, hence:

* it is read **streaming**: elements are dropped as soon as their entry has been produced, so
  memory stays flat however large the file is;
* a **DTD or any entity declaration is refused** before the XML parser that builds elements ever
  sees it. A KLE file needs neither, and they are the vehicle of "billion laughs" expansion and of
  external entities that read local files or URLs;
* guidance is HTML written by KL's editors; it is reduced to **plain text** here so that nothing
  downstream is tempted to render it unescaped.

Pure: no Django. The caller decides what to store and how to treat retired numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET  # fed only what _PrologGuard has let through
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import IO, NamedTuple
from xml.parsers import expat

__all__ = [
    "KLE_MAIN_GROUPS",
    "KleEntry",
    "KleFormatError",
    "KleReader",
    "html_to_text",
    "kle_level",
    "kle_parent_number",
    "parse_kle",
]

# The main groups of KLE, the only part of the plan the product may ship. Numbers 10-12, 16, 26,
# 31 and 33-53 are not in use; titles as published on kle-online.dk.
KLE_MAIN_GROUPS: list[tuple[str, str]] = [
    ("00", "Kommunens styrelse"),
    ("01", "Fysisk planlægning og naturbeskyttelse"),
    ("02", "Byggeri"),
    ("03", "Boliger"),
    ("04", "Parker, fritids-/idrætsanlæg og landskabspleje mv."),
    ("05", "Veje og trafik"),
    ("06", "Spildevand og vandløb"),
    ("07", "Affald og genanvendelse"),
    ("08", "Havne og lufthavne"),
    ("09", "Miljøbeskyttelse"),
    ("13", "Forsyning"),
    ("14", "Beredskab"),
    ("15", "Arbejdsmarked og beskæftigelsesindsats"),
    ("17", "Folkeskoleundervisning"),
    ("18", "Folkeoplysning og ungdomsskoler"),
    ("19", "Kulturhistoriske institutioner"),
    ("20", "Kulturvirksomhed"),
    ("21", "Biblioteker"),
    ("22", "Regulering af private erhverv"),
    ("23", "Borgerlige forhold"),
    ("24", "Erhvervsforhold"),
    ("25", "Beskatning"),
    ("27", "Social service"),
    ("28", "Dagtilbud"),
    ("29", "Sundhed"),
    ("30", "Andre myndigheders opgaver"),
    ("32", "Kontante ydelser"),
    ("54", "Uddannelse"),
    ("81", "Kommunens personale"),
    ("82", "Kommunens ejendomme og lokaler"),
    ("83", "Kommunens driftsmidler og inventar"),
    ("84", "Offentlige valg"),
    ("85", "Kommunens administrative systemer"),
    ("86", "Kommunens selvforsyning og fremstillingsvirksomhed"),
    ("87", "Kommunens arbejdsmiljø"),
    ("88", "Kommunens indkøb og udbud"),
]

ROOT_TAG = "KLE-Emneplan"

_NUMBER_PATTERNS = {
    1: re.compile(r"[0-9]{2}"),
    2: re.compile(r"[0-9]{2}\.[0-9]{2}"),
    3: re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"),
}


class KleFormatError(ValueError):
    """The file is not a KLE plan we can import. ``line`` is set when the parser knows it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}" if line is not None else message)


@dataclass(frozen=True, slots=True)
class KleEntry:
    """One main group (level 1), group (2) or topic (3) of the plan.

    ``guidance`` is plain text (HTML removed, entities decoded): it may still contain "<" or "&"
    as ordinary characters, so render it with normal escaping, never mark it safe. ``retired`` is
    KL's UdgaaetDato; an entry can be retired as of a future date, see ``is_retired_on``.
    """

    number: str
    title: str
    level: int
    parent_number: str | None
    uuid: str | None
    created: dt.date | None
    changed: dt.date | None
    retired: dt.date | None
    guidance: str = ""
    keywords: tuple[str, ...] = ()
    preservation: str | None = None  # topics only: "B" keep / "K" discard (arkivloven)

    def is_retired_on(self, day: dt.date) -> bool:
        return self.retired is not None and self.retired <= day


def kle_level(number: str) -> int:
    """1, 2 or 3 for "NN", "NN.NN" or "NN.NN.NN"; ValueError for anything else."""
    for level, pattern in _NUMBER_PATTERNS.items():
        if pattern.fullmatch(number):
            return level
    raise ValueError(f"{number!r} is not a KLE number (NN, NN.NN or NN.NN.NN).")


def kle_parent_number(number: str) -> str | None:
    """The number one level up ("00.01.02" -> "00.01"), None for a main group."""
    level = kle_level(number)
    return None if level == 1 else number.rsplit(".", 1)[0]


# --- HTML guidance to plain text ----------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_LINE_TAGS = frozenset({"li", "dt", "dd", "tr"})
# Their content is code or metadata, never text meant for a reader.
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_WHITESPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    @staticmethod
    def _local(tag: str) -> str:
        # XHTML carried as XML children is serialised with a namespace prefix ("ns0:p").
        return tag.rsplit(":", 1)[-1].lower()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = self._local(tag)
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._local(tag) in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        tag = self._local(tag)
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS and tag not in _LINE_TAGS:
            # Paragraph-like blocks end with a break too, which leaves a blank line between two
            # paragraphs; list items and rows only start a line, so a list stays compact.
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Line breaks in HTML source are just spaces; only block elements break lines.
            self.parts.append(_WHITESPACE.sub(" ", data))


def html_to_text(markup: str) -> str:
    """Plain text from an HTML fragment: tags dropped, entities decoded, paragraphs kept as lines.

    The result is text, not safe HTML: "&lt;b&gt;" in the input becomes the characters "<b>".
    """
    if not markup or not markup.strip():
        return ""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


# --- refusing DTDs --------------------------------------------------------------------------------


class _RootReached(Exception):
    """Internal: the prolog is over, nothing more for the guard to check."""


class _PrologGuard:
    """Parses the prolog with its own expat parser and refuses any DTD or entity declaration.

    ElementTree's C parser offers no hook to refuse a DOCTYPE before it expands entities, so every
    chunk goes through this guard first and reaches the element-building parser only if the guard
    let it pass. A DTD can only stand before the root element, so once the guard sees the root
    start tag it stops parsing: the rest of the file costs nothing extra.
    """

    def __init__(self) -> None:
        self._parser = expat.ParserCreate()
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._entity
        self._parser.UnparsedEntityDeclHandler = self._unparsed_entity
        self._parser.ExternalEntityRefHandler = self._external_entity
        self._parser.StartElementHandler = self._start_element
        self.done = False

    def _refuse(self, what: str) -> None:
        raise KleFormatError(
            f"the file contains {what}. A KLE file needs no DTD or entities, and they are refused "
            "because they can expand without limit or read other files.",
            line=self._parser.CurrentLineNumber,
        )

    def _doctype(self, name: str, *_: object) -> None:
        self._refuse(f"a document type declaration (<!DOCTYPE {name}>)")

    def _entity(self, name: str, *_: object) -> None:
        self._refuse(f"an entity declaration ({name})")

    def _unparsed_entity(self, name: str, *_: object) -> None:
        self._refuse(f"an entity declaration ({name})")

    def _external_entity(self, *_: object) -> int:
        self._refuse("a reference to an external entity")
        return 0

    def _start_element(self, *_: object) -> None:
        raise _RootReached

    def feed(self, chunk: bytes | str) -> None:
        if self.done:
            return
        try:
            self._parser.Parse(chunk, False)
        except _RootReached:
            self.done = True
        except expat.ExpatError as exc:
            raise KleFormatError(
                f"the file is not well-formed XML ({expat.errors.messages[exc.code]}).",
                line=exc.lineno,
            ) from None


# --- the reader -----------------------------------------------------------------------------------


class _Spec(NamedTuple):
    level: int
    number: str
    title: str
    guidance: str
    admin: str
    parent_tag: str


_SPECS = {
    "Hovedgruppe": _Spec(
        1,
        "HovedgruppeNr",
        "HovedgruppeTitel",
        "HovedgruppeVejledning",
        "HovedgruppeAdministrativInfo",
        ROOT_TAG,
    ),
    "Gruppe": _Spec(
        2, "GruppeNr", "GruppeTitel", "GruppeVejledning", "GruppeAdministrativInfo", "Hovedgruppe"
    ),
    "Emne": _Spec(3, "EmneNr", "EmneTitel", "EmneVejledning", "EmneAdministrativInfo", "Gruppe"),
}
_CHILD_TAG = {"Hovedgruppe": "Gruppe", "Gruppe": "Emne", "Emne": None}
_CONTAINER_TAGS = frozenset(_SPECS)
_DATE_PREFIX = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[TZ+-].*)?", re.DOTALL)


@dataclass(slots=True)
class _Open:
    """A Hovedgruppe/Gruppe/Emne whose end tag has not been read yet."""

    tag: str
    elem: ET.Element
    parent_number: str | None
    number: str | None = None  # set once its entry has been produced
    own_fields: int = 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(elem: ET.Element | None) -> str:
    return "" if elem is None else "".join(elem.itertext()).strip()


def _inner_markup(elem: ET.Element | None) -> str:
    # Guidance may arrive as escaped HTML text, as CDATA, or as (X)HTML child elements; this gives
    # the same markup string in all three cases. tostring() includes each child's tail.
    if elem is None:
        return ""
    return (elem.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in elem)


class KleReader(Iterator[KleEntry]):
    """Iterates over the entries of a KLE file, parents before their children, in file order.

    ``publication_date`` (UdgivelsesDato) is set as soon as it has been read, which in a file that
    follows the format is before the first entry.
    """

    def __init__(self, fileobj: IO[bytes] | IO[str], chunk_size: int = 64 * 1024) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive.")
        self.publication_date: dt.date | None = None
        self._file = fileobj
        self._chunk_size = chunk_size
        self._entries = self._read()

    def __iter__(self) -> KleReader:
        return self

    def __next__(self) -> KleEntry:
        return next(self._entries)

    # The generator below does the work; it is wrapped so that publication_date can be an
    # attribute of the object the caller holds.
    def _read(self) -> Iterator[KleEntry]:
        guard = _PrologGuard()
        parser = ET.XMLPullParser(events=("start", "end"))
        state = _State()
        empty = True
        while chunk := self._file.read(self._chunk_size):
            empty = False
            guard.feed(chunk)
            parser.feed(chunk)
            yield from self._handle(_events(parser), state)
        if empty:
            raise KleFormatError("the file is empty.")
        try:
            parser.close()
        except ET.ParseError as exc:
            raise _parse_error(exc) from None
        yield from self._handle(_events(parser), state)

    def _handle(
        self, events: Iterator[tuple[str, ET.Element]], state: _State
    ) -> Iterator[KleEntry]:
        for event, elem in events:
            if event == "start":
                yield from self._start(elem, state)
            else:
                yield from self._end(elem, state)

    def _start(self, elem: ET.Element, state: _State) -> Iterator[KleEntry]:
        # Namespaces are dropped so that a file with a default xmlns reads like one without.
        elem.tag = _local(elem.tag)
        if not state.path:
            if elem.tag != ROOT_TAG:
                raise KleFormatError(
                    f"the root element is <{elem.tag}>, expected <{ROOT_TAG}>: this is not a KLE "
                    "file."
                )
            state.path.append(elem)
            return
        parent = state.path[-1]
        state.path.append(elem)
        if elem.tag not in _CONTAINER_TAGS:
            return
        structural = len(state.path) == 2 or (state.open and parent is state.open[-1].elem)
        if not structural:
            return  # a same-named element deep inside other content is just content
        parent_number = None
        if state.open:
            enclosing = state.open[-1]
            if enclosing.number is None:
                # Its own fields are complete once its first child starts; producing the entry
                # now puts parents before children without holding the children in memory.
                yield self._emit(enclosing, first_child=elem)
            parent_number = enclosing.number
        spec = _SPECS[elem.tag]
        if parent.tag != spec.parent_tag:
            where = f"{parent.tag} {parent_number}" if parent_number else parent.tag
            raise KleFormatError(
                f"<{elem.tag}> directly inside <{where}>; it belongs inside <{spec.parent_tag}>."
            )
        state.open.append(_Open(elem.tag, elem, parent_number))

    def _end(self, elem: ET.Element, state: _State) -> Iterator[KleEntry]:
        state.path.pop()
        if state.open and state.open[-1].elem is elem:
            opened = state.open.pop()
            if opened.number is None:
                yield self._emit(opened)
            else:
                own = sum(1 for child in elem if child.tag not in _CONTAINER_TAGS)
                if own != opened.own_fields:
                    late = ", ".join(f"<{child.tag}>" for child in list(elem)[opened.own_fields :])
                    raise KleFormatError(
                        f"{opened.tag} {opened.number}: {late} comes after its "
                        f"<{_CHILD_TAG[opened.tag]}> elements; the format puts it before them."
                    )
            # Dropping the finished subtree is what keeps memory flat on a 7 MB file.
            state.path[-1].remove(elem)
        elif len(state.path) == 1:
            if elem.tag == "UdgivelsesDato":
                self.publication_date = _parse_date(_text(elem), "UdgivelsesDato", ROOT_TAG)
            state.path[0].remove(elem)

    def _emit(self, opened: _Open, first_child: ET.Element | None = None) -> KleEntry:
        entry = _build_entry(opened)
        opened.number = entry.number
        # The pull parser builds the tree a whole chunk ahead of the events we are handling, so
        # the element may already hold what follows its first child; only count what precedes it.
        children = list(opened.elem)
        cut = len(children) if first_child is None else children.index(first_child)
        opened.own_fields = sum(1 for child in children[:cut] if child.tag not in _CONTAINER_TAGS)
        return entry


@dataclass(slots=True)
class _State:
    path: list[ET.Element] = field(default_factory=list)  # the elements now open, root first
    open: list[_Open] = field(default_factory=list)  # the open Hovedgruppe/Gruppe/Emne


def _events(parser: ET.XMLPullParser) -> Iterator[tuple[str, ET.Element]]:
    # The pull parser does not raise a syntax error from feed(); it queues it behind the events
    # that came before it and raises it from read_events().
    events = parser.read_events()
    while True:
        try:
            event = next(events)
        except StopIteration:
            return
        except ET.ParseError as exc:
            raise _parse_error(exc) from None
        yield event


def _parse_error(exc: ET.ParseError) -> KleFormatError:
    line, _column = exc.position
    message = str(exc).split(": line ")[0]
    return KleFormatError(f"the file is not well-formed XML ({message}).", line=line)


def _parse_date(text: str, field: str, where: str) -> dt.date | None:
    if not text:
        return None
    match = _DATE_PREFIX.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise KleFormatError(f"{where}: {field} {text!r} is not a date (YYYY-MM-DD).") from None


def _build_entry(opened: _Open) -> KleEntry:
    spec = _SPECS[opened.tag]
    elem = opened.elem
    inside = f" inside {opened.parent_number}" if opened.parent_number else ""

    number = _text(elem.find(spec.number))
    if not number:
        raise KleFormatError(f"a <{opened.tag}>{inside} has no <{spec.number}>.")
    if not _NUMBER_PATTERNS[spec.level].fullmatch(number):
        raise KleFormatError(
            f"{opened.tag} number {number!r}{inside} does not have the form "
            f"{['NN', 'NN.NN', 'NN.NN.NN'][spec.level - 1]}."
        )
    if opened.parent_number is not None and not number.startswith(opened.parent_number + "."):
        raise KleFormatError(
            f"{opened.tag} {number} is inside {opened.parent_number} but is not numbered under it."
        )
    where = f"{opened.tag} {number}"

    title = " ".join(_text(elem.find(spec.title)).split())
    if not title:
        raise KleFormatError(f"{where} has no <{spec.title}>.")

    admin = elem.find(spec.admin)

    def admin_date(name: str) -> dt.date | None:
        found = admin.find(name) if admin is not None else None
        if found is None:
            found = elem.find(name)
        return _parse_date(_text(found), name, where)

    uuid_elem = elem.find("UUID")
    if uuid_elem is None and admin is not None:
        uuid_elem = admin.find("UUID")
    raw_uuid = _text(uuid_elem)
    entry_uuid: str | None = None
    if raw_uuid:
        try:
            entry_uuid = str(uuid.UUID(raw_uuid))
        except ValueError:
            raise KleFormatError(f"{where}: UUID {raw_uuid!r} is not a UUID.") from None

    keywords = tuple(
        text
        for tekst in elem.iterfind("EmneStikord/Tekst")
        if (text := " ".join(_text(tekst).split()))
    )
    preservation = _text(elem.find("BevaringJaevnfoerArkivloven")) or None

    return KleEntry(
        number=number,
        title=title,
        level=spec.level,
        parent_number=opened.parent_number,
        uuid=entry_uuid,
        created=admin_date("OprettetDato"),
        changed=admin_date("RettetDato"),
        retired=admin_date("UdgaaetDato"),
        guidance=html_to_text(_inner_markup(elem.find(f"{spec.guidance}/VejledningTekst"))),
        keywords=keywords,
        preservation=preservation,
    )


def parse_kle(fileobj: IO[bytes] | IO[str], chunk_size: int = 64 * 1024) -> KleReader:
    """Stream the entries of a KLE XML file; raises ``KleFormatError`` on anything unexpected.

    Open the file in binary mode so that the XML declaration's encoding is honoured. Errors are
    raised while iterating, so an import should collect entries inside one transaction and roll
    back if iteration fails part-way.
    """
    return KleReader(fileobj, chunk_size=chunk_size)
