"""`/healthz`: whether the engine answers and the index alias exists (for load balancers)."""

from __future__ import annotations

from elasticsearch import ApiError, ConnectionTimeout, Elasticsearch, NotFoundError
from elasticsearch import ConnectionError as EsConnectionError
from flask import Blueprint, Response, current_app

from search.config import get_settings
from search.errors import ENGINE_UNAVAILABLE, INDEX_NOT_READY
from search.es import get_es
from search.models import EngineHealth, ErrorDetail, Health, IndexHealth, Unavailable
from search.negotiate import json_response

bp = Blueprint("health", __name__)


def check_health(client: Elasticsearch, alias: str) -> Health:
    """Cluster status, node count and document count behind `alias`.

    Raises the client's errors: NotFoundError when the alias is missing, ConnectionError or
    ConnectionTimeout when the engine does not answer.
    """
    health = client.cluster.health()
    docs = client.count(index=alias)
    return Health(
        engine=EngineHealth(cluster_status=health["status"], nodes=health["number_of_nodes"]),
        index=IndexHealth(alias=alias, docs=docs["count"]),
    )


@bp.get("/healthz")
def healthz() -> Response:
    """200 when searches can run, 503 with the reason when they cannot."""
    alias = get_settings().index_alias
    try:
        return json_response(check_health(get_es(), alias))
    except NotFoundError as exc:
        current_app.logger.error("health: index alias missing: %s", exc)
        code, message = "index_not_ready", INDEX_NOT_READY
    except (EsConnectionError, ConnectionTimeout, ApiError) as exc:
        current_app.logger.warning("health: search engine unavailable: %r", exc)
        code, message = "engine_unavailable", ENGINE_UNAVAILABLE
    return json_response(Unavailable(error=ErrorDetail(code=code, message=message)), 503)
