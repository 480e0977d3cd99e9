"""Standalone NITF (News Industry Text Format, IPTC): one file, one ExtractedArticle.

Agencies send bare NITF files as well as NITF inside NewsML-G2 (issue #14): version 3.x in
the `http://iptc.org/std/NITF/2006-10-18/` namespace, in another NITF namespace, or in none,
often with a `<!DOCTYPE nitf SYSTEM "nitf-3-x.dtd">` that is never loaded. The text is read
by the NewsML-G2 adapter's NITF reader (`newsml.body.read_nitf`) and the dateline by its
dateline reader, so a story reads the same whichever envelope it came in; this module reads
what only a standalone file carries: the `head` (doc-id, dates, status, keywords, subjects,
rights) and the language of the document.

Decisions, each visible to the editor as a warning or an error message:
- a document its provider withdrew (docdata management-status canceled / withheld) is a
  FormatError, as a withdrawn NewsML-G2 item is;
- an embargo (management-status embargoed, or date.release after now) is a warning;
- neither headline nor text is an EmptyArticle.
All parsing goes through `parse_xml`: no DTD, no entity, no network.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from html.entities import name2codepoint

from lxml import etree

from ingest.exceptions import EmptyArticle, FormatError
from ingest.language import detect_language
from ingest.safe_xml import parse_xml
from newsroom.article import Dateline, ExtractedArticle, SourceCredit

from .base import RawDocument, aware_datetime
from .newsml.body import Content, read_images, read_nitf
from .newsml.datelines import read_dateline
from .newsml.metadata import WITHDRAWN_STATUSES
from .newsml.tree import XML_LANG, descendants, local_name, short_language, text_of, web_url

SNIFF_BYTES = 4096
# A hedline line marked as the one above the headline: NITF has no kicker element, so
# editorial systems tag an hl1 or hl2 with a class or id instead.
_KICKER = re.compile(r"kicker|overline|surtitre|sur-titre|supertitle", re.IGNORECASE)
_SUBJECT_NAMES = ("tobject.subject.type", "tobject.subject.matter", "tobject.subject.detail")


def _is_nitf_root(element: etree._Element) -> bool:
    """`nitf` in no namespace or in an NITF one (IPTC's 2006 URI, or a vendor's)."""
    if local_name(element) != "nitf":
        return False
    namespace = etree.QName(element).namespace
    return namespace is None or "nitf" in namespace.lower()


def _root_element(head: bytes) -> etree._Element | None:
    """The root start tag of `head`, read past any prolog (declaration, comments, DOCTYPE
    with or without an internal subset) and in any encoding XML allows.

    A pull parser that resolves nothing stops at the first element: cheaper and surer than a
    pattern, which cannot read UTF-16 or an internal subset's `>`."""
    parser = etree.XMLPullParser(
        events=("start",),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        recover=True,  # `head` is cut mid-document; only the first tag matters
    )
    try:
        parser.feed(head)
    except etree.XMLSyntaxError:
        return None
    for _event, element in parser.read_events():
        return element
    return None


def _first(root: etree._Element, name: str) -> etree._Element | None:
    return next(iter(descendants(root, name)), None)


def _date_of(element: etree._Element | None, attribute: str = "norm") -> datetime | None:
    """NITF dates are ISO 8601, basic (“20240312T083000+0200”) or extended."""
    return None if element is None else aware_datetime(element.get(attribute))


# Before reading: what the shared reader would misread ------------------------------------------
def _take_kicker(root: etree._Element) -> str:
    """The kicker's text, taken out of the hedline so it is read as neither headline nor
    standfirst."""
    kicker = ""
    for line in descendants(root, "hl1", "hl2"):
        marks = " ".join(line.get(name, "") for name in ("class", "id", "style"))
        if _KICKER.search(marks) and line.getparent() is not None:
            kicker = kicker or text_of(line)
            line.getparent().remove(line)
    return kicker


def _character_entities(root: etree._Element) -> list[str]:
    """Entity references left in the text, as characters; warnings for those dropped.

    A file that names the NITF DTD may write `&eacute;`: the DTD is never loaded, so the
    parser leaves the reference as it is. The HTML 4 character entities (the ISO sets DTDs
    declare) are read from Python's table; any other name is dropped, never resolved."""
    dropped: list[str] = []
    for entity in list(root.iter(etree.Entity)):
        parent = entity.getparent()
        if parent is None:
            continue
        code = name2codepoint.get(entity.name)
        if code is None and entity.name not in dropped:
            dropped.append(entity.name)
        text = (chr(code) if code is not None else "") + (entity.tail or "")
        previous = entity.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(entity)
    return [f"unknown entity dropped: &{name[:40]};" for name in dropped]


def _flatten_captions(root: etree._Element) -> None:
    """NITF lets a caption hold paragraphs; they become its text, so the body reader does not
    take them for story paragraphs."""
    for caption in descendants(root, "media-caption"):
        for paragraph in descendants(caption, "p"):
            paragraph.tail = " " + (paragraph.tail or "")
        etree.strip_tags(caption, "{*}p", "p")


# The head ----------------------------------------------------------------------------------------
def _check_usable(docdata: etree._Element | None, guid: str) -> None:
    status = (docdata.get("management-status", "") if docdata is not None else "").lower()
    if status.strip() in WITHDRAWN_STATUSES:
        raise FormatError(
            "The NITF document %(guid)s is %(status)s by its provider: nothing to publish.",
            guid=guid,
            status=status.strip(),
        )


def _guid(root: etree._Element) -> str:
    """The doc-id; prefixed by its registering source, as an id is unique only within it."""
    doc_id = _first(root, "doc-id")
    if doc_id is None:
        return ""
    identifier = (doc_id.get("id-string") or "").strip()
    source = (doc_id.get("regsrc") or "").strip()
    if identifier and source and not identifier.lower().startswith(source.lower()):
        return f"{source}:{identifier}"
    return identifier


def _version(root: etree._Element) -> tuple[int | None, list[str]]:
    """The du-key version (the `nitf` root's own `version` names the DTD, not the story's)."""
    du_key = _first(root, "du-key")
    raw = (du_key.get("version") or "").strip() if du_key is not None else ""
    if not raw:
        return None, []
    if raw.isdigit():
        return int(raw), []
    return None, [f"version ignored: not a whole number: {raw[:20]}"]


def _published(root: etree._Element) -> datetime | None:
    """When it was issued, else published, else released."""
    pubdata = _first(root, "pubdata")
    for value in (
        _date_of(_first(root, "date.issue")),
        _date_of(pubdata, "date.publication"),
        _date_of(_first(root, "date.release")),
    ):
        if value is not None:
            return value
    return None


def _embargo_warnings(root: etree._Element, docdata: etree._Element | None) -> list[str]:
    release = _date_of(_first(root, "date.release"))
    if release is not None and release > datetime.now(UTC):
        return [f"embargoed until {release.isoformat()}: do not publish before"]
    status = docdata.get("management-status", "") if docdata is not None else ""
    if status.strip().lower() == "embargoed":
        return ["embargoed by its provider (no release date given): do not publish yet"]
    return []


def _language(root: etree._Element) -> str:
    """xml:lang on the document, its head or its body, else NITF's own `baselang`."""
    for element in (root, *root):
        language = short_language(element.get(XML_LANG))
        if language:
            return language
    return short_language(root.get("baselang"))


def _outlet(root: etree._Element) -> str:
    """The distributor, else the rights' provider, the copyright holder, the doc-id source."""
    distributor = text_of(_first(root, "distributor"))
    if distributor:
        return distributor
    for name, attribute in (
        ("doc.rights", "provider"),
        ("doc.copyright", "holder"),
        ("doc-id", "regsrc"),
    ):
        element = _first(root, name)
        value = (element.get(attribute) or "").strip() if element is not None else ""
        if value:
            return value
    return ""


def _subjects(root: etree._Element) -> tuple[str, ...]:
    """Keywords and subject names, then the IPTC Subject Codes as `subj:` qcodes (the
    scheme NewsML-G2 gives them), kept for enrichment as the NewsML adapter keeps its."""
    names: list[str] = []
    codes: list[str] = []
    for keyword in descendants(root, "keyword"):
        names.append((keyword.get("key") or "").strip())
    for subject in descendants(root, "tobject.subject"):
        names += [(subject.get(name) or "").strip() for name in _SUBJECT_NAMES]
        code = (subject.get("tobject.subject.refnum") or "").strip()
        if code:
            codes.append(code if ":" in code else f"subj:{code}")
    return tuple(dict.fromkeys(value for value in (*names, *codes) if value))


# The body ----------------------------------------------------------------------------------------
def _dateline_text(root: etree._Element) -> tuple[str, date | None]:
    """The dateline as printed, and its normalised date.

    A structured dateline (`<location><city>` and `<story.date>`) is put together as
    “city, date”: its parts are often written without a space between them."""
    dateline = _first(root, "dateline")
    if dateline is None:
        return "", None
    story_date = _first(dateline, "story.date")
    when = _date_of(story_date)
    location = _first(dateline, "location")
    place = text_of(_first(location, "city")) if location is not None else ""
    place = place or text_of(location)
    if not place:
        return text_of(dateline), when.date() if when else None
    said = text_of(story_date)
    return (f"{place}, {said}" if said else place), when.date() if when else None


def _dateline(
    root: etree._Element, content: Content, issued: datetime | None
) -> tuple[Dateline | None, list[str]]:
    """Through the NewsML-G2 dateline reader (an element, or the first paragraph's opening);
    the date it cannot read is the story date, else the day it was issued."""
    content.dateline, story_date = _dateline_text(root)
    default_year = (story_date or issued or datetime.now(UTC)).year
    # `root` stands for the NewsML item: it has no contentMeta, so only the text is read.
    dateline, body = read_dateline(root, content, default_year)
    if dateline is not None and dateline.date is None:
        dateline = replace(dateline, date=story_date or (issued.date() if issued else None))
    return dateline, body


def _standfirst(content: Content, body: list[str]) -> tuple[str, list[str]]:
    """The head's hl2 or abstract, else the body's leading hl2; a leading hl2 that is not
    the standfirst goes back to the top of the body rather than being lost."""
    if content.standfirst:
        return content.standfirst, [
            content.leading_subhead,
            *body,
        ] if content.leading_subhead else body
    return content.leading_subhead, body


def extract_nitf(root: etree._Element) -> ExtractedArticle:
    """The article an NITF root holds."""
    docdata = _first(root, "docdata")
    guid = _guid(root)
    _check_usable(docdata, guid)
    entity_warnings = _character_entities(root)
    kicker = _take_kicker(root)
    _flatten_captions(root)
    content = read_nitf(root)
    title = content.headline or text_of(_first(root, "title"))
    issued = _published(root)
    dateline, body = _dateline(root, content, issued)
    standfirst, body = _standfirst(content, body)
    if not title and not body:
        raise EmptyArticle("The NITF document %(guid)s has no headline and no text.", guid=guid)

    declared_language = _language(root)
    warnings = entity_warnings
    if not title:
        warnings.append("no headline")
    if not body:
        warnings.append("no body text: headline only")
    version, version_warnings = _version(root)
    images, image_warnings = read_images(root, content, declared_language)
    warnings += version_warnings + image_warnings + _embargo_warnings(root, docdata)
    pubdata = _first(root, "pubdata")
    return ExtractedArticle(
        title=title,
        kicker=kicker,
        standfirst=standfirst,
        dateline=dateline,
        body=tuple(body),
        source=SourceCredit(
            outlet=_outlet(root),
            author=content.author,
            url=web_url(pubdata.get("ex-ref")) if pubdata is not None else "",
        ),
        language=declared_language or detect_language("\n".join([title, *body])),
        published=issued,
        images=images,
        format=NITFAdapter.name,
        warnings=tuple(warnings),
        guid=guid,
        version=version,
        byline=content.byline,
        subjects=_subjects(root),
    )


class NITFAdapter:
    name = "nitf"

    def sniff(self, document: RawDocument) -> bool:
        """An `nitf` root element (no namespace, or an NITF one) in the first 4 KB."""
        root = _root_element(document.content[:SNIFF_BYTES])
        return root is not None and _is_nitf_root(root)

    def extract(self, document: RawDocument) -> list[ExtractedArticle]:
        root = parse_xml(document.content)
        if not _is_nitf_root(root):
            raise FormatError(
                "Not an NITF document: the root element is %(tag)s.", tag=etree.QName(root).text
            )
        return [extract_nitf(root)]
