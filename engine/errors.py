"""The one error the engine package raises."""


class EngineError(RuntimeError):
    """The local Elasticsearch node could not be fetched, configured or started."""
