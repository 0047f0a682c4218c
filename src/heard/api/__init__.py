"""The REST API (FastAPI): ``create_app(settings)`` builds the app ``heard serve`` runs."""

from heard.api.app import create_app

__all__ = ["create_app"]
