"""A body's rich text read as plain paragraphs: paragraphs of text alone are read without
the HTML parser (#15), and must read as the parser reads them."""

import pytest

from newsroom import blocks


def parsed(html):
    splitter = blocks._ParagraphSplitter()
    splitter.feed(html)
    splitter.close()
    splitter.flush()
    return splitter.paragraphs


@pytest.mark.parametrize(
    "html",
    [
        "<p>Un paragraphe.</p>",
        "<p>L&#x27;Égypte &amp; la Jordanie &lt;b&gt;</p>\n<p>  Deux  </p>",
        "<p></p><p>   </p>",
        "  <p>avant</p>  ",
        "<p>&copy sans point-virgule, &amp</p>",
        "<p>a > b</p><p>\xa0insécable\xa0</p>",
        "",
        # Not only paragraphs of text: the parser reads them.
        "<p>Un <b>gras</b> et<br/>une ligne</p>",
        "texte hors paragraphe<p>puis un</p>",
        "<P>majuscules</P>",
        "<p class='x'>classe</p>",
    ],
)
def test_rich_text_reads_as_the_parser_reads_it(html):
    assert blocks._rich_text_paragraphs(html) == parsed(html)


def test_paragraphs_of_text_alone_skip_the_parser(monkeypatch):
    def no_parser(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(blocks._ParagraphSplitter, "__init__", no_parser)

    assert blocks._rich_text_paragraphs("<p>L&#x27;un</p>\n<p>l&#x27;autre</p>") == [
        "L'un",
        "l'autre",
    ]
