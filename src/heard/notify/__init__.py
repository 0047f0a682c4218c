"""Notifications: where alerts (and, later, case events) go — the terminal, a JSONL log,
webhooks with retries. Sinks are shared by every side."""
