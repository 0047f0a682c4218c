"""File connectors: stream a file's records as ``RawRow``s (and ``Quarantined`` for unreadable
ones), resumable by position. Open one with ``open_connector(path, fmt=None)``.

Formats: JSON Lines, CSV/TSV, XLSX, Parquet — one module each; shared rules in ``base``.
"""

from heard.connectors.base import MAX_LINE_BYTES, REASONS, Connector, file_key
from heard.connectors.detect import FORMATS, SUFFIXES, detect_format, open_connector

__all__ = [
    "FORMATS",
    "MAX_LINE_BYTES",
    "REASONS",
    "SUFFIXES",
    "Connector",
    "detect_format",
    "file_key",
    "open_connector",
]
