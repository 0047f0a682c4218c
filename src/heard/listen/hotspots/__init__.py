"""Hot spots: per-topic time series from the store, heat ranking, burst alerts and their sinks.

The algorithms are pure (``heard.listen.analysis.bursts``, ``heard.listen.analysis.heat``); this
package reads
the store, builds evidence and sends alerts.
"""

from heard.listen.hotspots.alerts import AlertEngine, new_assignments, recent_alerts
from heard.listen.hotspots.ranking import rank_hotspots
from heard.listen.hotspots.series import load_stream
from heard.notify.sinks import ConsoleSink, JsonlSink, WebhookSink

__all__ = [
    "AlertEngine",
    "ConsoleSink",
    "JsonlSink",
    "WebhookSink",
    "load_stream",
    "new_assignments",
    "rank_hotspots",
    "recent_alerts",
]
