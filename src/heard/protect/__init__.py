"""Protect: the closed harm taxonomy, explained detectors, flags, human review with appeals,
statements of reasons and the audit log (RIGHTS.md §1–§5: speech is not harm)."""
