"""API routers under /api/v1 plus /health and /metrics. Every route declares its role."""
