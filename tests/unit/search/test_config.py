"""Settings.from_env and the client made from them."""

from __future__ import annotations

import re

import pytest
from elasticsearch import ConnectionError as EsConnectionError

from search import create_app
from search.config import Settings, SettingsError
from search.es import make_client
from tests.unit.search.stubs import StubES


def test_defaults_apply_when_nothing_is_set() -> None:
    assert Settings.from_env({}) == Settings(
        es_url="http://127.0.0.1:9200",
        es_api_key=None,
        es_username=None,
        es_password=None,
        index_alias="articles",
        es_timeout=3.0,
        page_size=10,
        max_page_size=100,
        facet_sample=20_000,
    )


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "ES_URL": "https://es.example:9243",
            "ES_USERNAME": "reader",
            "ES_PASSWORD": " secret ",
            "INDEX_ALIAS": "articles-test",
            "ES_TIMEOUT": "1.5",
            "PAGE_SIZE": "20",
            "MAX_PAGE_SIZE": "50",
            "FACET_SAMPLE": "5000",
        }
    )
    assert settings == Settings(
        es_url="https://es.example:9243",
        es_username="reader",
        es_password=" secret ",
        index_alias="articles-test",
        es_timeout=1.5,
        page_size=20,
        max_page_size=50,
        facet_sample=5000,
    )


def test_empty_variables_keep_the_defaults() -> None:
    assert Settings.from_env({"ES_URL": "", "PAGE_SIZE": " ", "ES_API_KEY": ""}) == Settings()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ES_URL": "localhost:9200"}, "ES_URL must be an http"),
        ({"ES_URL": "http://127.0.0.1:9200,localhost:9201"}, "ES_URL must be an http"),
        ({"ES_URL": " , "}, "ES_URL must be an http"),
        ({"ES_TIMEOUT": "soon"}, "ES_TIMEOUT must be a number"),
        ({"ES_TIMEOUT": "0"}, "ES_TIMEOUT must be a number of seconds between 0 and 60"),
        ({"ES_TIMEOUT": "nan"}, "ES_TIMEOUT must be a number of seconds"),
        ({"PAGE_SIZE": "ten"}, "PAGE_SIZE must be an integer"),
        ({"PAGE_SIZE": "0"}, "PAGE_SIZE must be between 1 and MAX_PAGE_SIZE"),
        ({"PAGE_SIZE": "200"}, "PAGE_SIZE must be between 1 and MAX_PAGE_SIZE"),
        ({"MAX_PAGE_SIZE": "20000"}, "MAX_PAGE_SIZE must be between 1 and 10000"),
        ({"FACET_SAMPLE": "many"}, "FACET_SAMPLE must be an integer"),
        ({"FACET_SAMPLE": "-1"}, "FACET_SAMPLE must be between 0 and 1,000,000"),
        ({"ES_USERNAME": "reader"}, "ES_USERNAME and ES_PASSWORD must be set together"),
        (
            {"ES_API_KEY": "k", "ES_USERNAME": "u", "ES_PASSWORD": "p"},
            "set either ES_API_KEY or ES_USERNAME/ES_PASSWORD",
        ),
    ],
)
def test_an_invalid_value_raises_a_clear_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(environ)


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().page_size = 5  # type: ignore[misc]


def test_the_client_fails_fast() -> None:
    client = make_client(Settings(es_timeout=2.0))
    try:
        assert client._request_timeout == 2.0
        assert client._max_retries == 1
        assert client._retry_on_timeout is False
    finally:
        client.close()


def test_es_url_may_name_several_nodes_of_one_cluster() -> None:
    settings = Settings.from_env({"ES_URL": "http://a:9200, http://b:9201,,https://c:9243 "})
    assert settings.es_urls == ("http://a:9200", "http://b:9201", "https://c:9243")


def test_the_client_of_a_cluster_knows_every_node_and_retries_a_hung_one_elsewhere() -> None:
    client = make_client(Settings(es_url="http://127.0.0.1:9410,http://127.0.0.1:9411"))
    try:
        nodes = sorted(node.base_url for node in client.transport.node_pool.all())
        assert nodes == ["http://127.0.0.1:9410", "http://127.0.0.1:9411"]
        assert client._request_timeout == 3.0
        # One retry, also after a timeout: on another node (bench/cluster_faults.py).
        assert client._max_retries == 1
        assert client._retry_on_timeout is True
        assert client.transport.node_pool._max_dead_node_backoff == 5.0
        # No sniffing: it marked healthy nodes dead while one hung.
        assert client.transport._sniff_on_node_failure is False
        assert client.transport._sniff_on_start is False
    finally:
        client.close()


def test_the_es_ping_command_reports_the_cluster(settings: Settings) -> None:
    app = create_app(settings, client=StubES())  # type: ignore[arg-type]
    result = app.test_cli_runner().invoke(args=["es-ping"])
    assert result.exit_code == 0
    assert result.output == "Elasticsearch answers: cluster test is green\n"


def test_the_es_ping_command_fails_when_the_engine_is_down(settings: Settings) -> None:
    app = create_app(settings, client=StubES(raises=EsConnectionError("refused")))  # type: ignore[arg-type]
    result = app.test_cli_runner().invoke(args=["es-ping"])
    assert result.exit_code == 1
    assert "Elasticsearch does not answer" in result.output
