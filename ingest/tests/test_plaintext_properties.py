"""Properties of the plain-text adapter over generated texts (issue #14).

A headline, a blank line and a paragraph is an article, whatever the headline's length,
punctuation or quotes: it is read with that headline as title. Any text at all is either
read or refused with a domain error that says why — never another exception.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.exceptions import ArticleWithoutBody, IngestError
from ingest.formats import RawDocument
from ingest.formats.plaintext import MIN_BODY_WORDS, PlainTextAdapter

GENERATED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)
# Words that cannot make a furniture line (“Par …”, “Photo : …”, dates) or a read-also,
# sign-up or related heading: a headline built from them is only a headline.
WORDS = (
    "le la les un une des du de à au en et ou pour avec sans sous vers port ville côte nord "
    "sud récolte dattes électricité coupures été hiver enfants hôpital infirmière soigner "
    "plateforme logistique première devenir train est-il pourquoi reviennent-elles combien "
    "séisme magnitude frappe alerte tsunami barrages rationnement eau pluie festival médina "
    "ligne ferroviaire chantier retard élèves classe rentrée prix pain hausse Tanger Gaza "
    "Liban Énergie Maroc Papouasie Méditerranée Kairouan Tunisie Beyrouth Sfax Rabat"
).split()
word = st.sampled_from(WORDS)


@st.composite
def headlines(draw):
    words = draw(st.lists(word, min_size=1, max_size=45))
    for _ in range(draw(st.integers(0, 2))):  # “X : Y”, “X - Y : Z”, “X, Y”
        words.insert(draw(st.integers(1, len(words))), draw(st.sampled_from([":", "-", "–", ","])))
    if len(words) > 2 and draw(st.booleans()):  # a quote: « … », "…", “…”
        cut = draw(st.integers(1, len(words) - 1))
        opening, closing = draw(st.sampled_from([("«", "»"), ('"', '"'), ("“", "”")]))
        words = [*words[:cut], opening, *words[cut:], closing]
    text = " ".join(words).replace(" ,", ",")
    ending = draw(st.sampled_from(["", " ?", " !", "?", "…", ".", " ?!", " (vidéo)"]))
    return text[:1].upper() + text[1:] + ending


@st.composite
def paragraphs(draw):
    sentences = [
        " ".join(draw(st.lists(word, min_size=4, max_size=20))) + draw(st.sampled_from(".!?"))
        for _ in range(draw(st.integers(1, 4)))
    ]
    return " ".join(sentence[:1].upper() + sentence[1:] for sentence in sentences)


blank = st.sampled_from(["\n\n", "\n \n", "\n\n\n\n", " \n\t\n"])


@GENERATED
@given(
    headline=headlines(),
    body=st.lists(paragraphs(), min_size=1, max_size=4),
    gap=blank,
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_a_headline_and_a_paragraph_is_read_with_that_headline(headline, body, gap, crlf, bom):
    text = headline + gap + gap.join(body) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    content = ("\ufeff" if bom else "").encode() + text.encode()
    try:
        article = PlainTextAdapter().extract(RawDocument(content))[0]
    except ArticleWithoutBody as refusal:
        # Only a fragment is refused: a few words (“Le le le le !”), no full stop.
        assert len(" ".join(body).split()) < MIN_BODY_WORDS
        assert not any(paragraph.endswith(".") for paragraph in body)
        assert refusal.params["headline"]
        return
    assert article.title == " ".join(headline.split())
    assert article.body


furniture = st.sampled_from(
    [
        "ÉCONOMIE",
        "Par Claire Mercier et Youssef Benali",
        "Publié le 3 mars 2024 à 10h00",
        "Mis à jour le 12/02/2024 à 11:15",
        "12 avril 2024 . –",
        "Photo : AFP",
        "© Reuters",
        "TUNIS (TAP) –",
        "(Rome, 19 décembre 2022).",
        "A lire aussi : ",
        "À lire sur le même thème",
        "Recevez notre newsletter",
        "",
        "\u00a0",
        "«",
        "—",
    ]
)
piece = st.one_of(headlines(), paragraphs(), furniture, st.text(max_size=40))


@GENERATED
@given(st.lists(st.tuples(piece, st.sampled_from(["\n", "\n\n", "\r\n", " ", ""])), max_size=12))
def test_any_arrangement_is_read_or_refused_with_a_reason(pieces):
    text = "".join(part + separator for part, separator in pieces)
    try:
        article = PlainTextAdapter().extract_text(text)
    except IngestError as refusal:
        assert refusal.code and refusal.message
        return
    assert article.title.strip()
    assert article.body and all(paragraph.strip() for paragraph in article.body)


@GENERATED
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_are_read_or_refused_with_a_reason(content):
    try:
        PlainTextAdapter().extract(RawDocument(content))
    except IngestError as refusal:
        assert refusal.code and refusal.message
