"""Listen: what people are saying — topics (themes), hot spots (topics surging now) and their
alerts, and the pure algorithms beneath them (``analysis``: clustering, keywords, places, bursts,
heat). Stateful parts run as pipeline operators in the one process that owns the store."""
