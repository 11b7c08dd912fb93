"""Feeds that declare XML entities are refused before feedparser expands them (issue 10, 3)."""

import pytest

from indexer.formats.feeds import ENTITIES_REFUSED, read_feed
from indexer.formats.records import ParsedArticle, ParseFailure

ITEM = "<item><title>Boom</title><description>{text}</description></item>"


def feed(prolog: str, text: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{{encoding}}"?>\n{prolog}'
        f'<rss version="2.0"><channel><title>Wire</title>{ITEM.format(text=text)}</channel></rss>'
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "iso-8859-1"])
def test_an_entity_declaration_is_refused_in_any_encoding_feedparser_reads(encoding):
    text = feed('<!DOCTYPE rss [<!ENTITY e "AAAA">]>\n', "&e;&e;").replace("{encoding}", encoding)
    (record,) = read_feed(text.encode(encoding), "bomb.rss")
    assert record == ParseFailure(record.origin, ENTITIES_REFUSED)


def test_a_public_doctype_without_entities_is_read_as_before():
    text = feed(
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n',
        "Ferries run again &amp; on time.",
    ).replace("{encoding}", "utf-8")
    (record,) = read_feed(text.encode(), "wire.rss")
    assert isinstance(record, ParsedArticle)
    assert record.article.body == "Ferries run again & on time."


def test_entity_markup_inside_an_entrys_text_is_not_a_declaration():
    text = feed("", "<![CDATA[Write <!ENTITY x 'y'> in your DTD.]]>").replace("{encoding}", "utf-8")
    (record,) = read_feed(text.encode(), "blog.rss")
    assert isinstance(record, ParsedArticle)
