"""Hot spots: per-topic time series from the store, heat ranking, burst alerts and their sinks.

The algorithms are pure (``heard.analysis.bursts``, ``heard.analysis.heat``); this package reads
the store, builds evidence and sends alerts.
"""

from heard.hotspots.alerts import AlertEngine, new_assignments, recent_alerts
from heard.hotspots.ranking import parse_window, rank_hotspots
from heard.hotspots.series import load_stream
from heard.hotspots.sinks import ConsoleSink, JsonlSink, WebhookSink

__all__ = [
    "AlertEngine",
    "ConsoleSink",
    "JsonlSink",
    "WebhookSink",
    "load_stream",
    "new_assignments",
    "parse_window",
    "rank_hotspots",
    "recent_alerts",
]
