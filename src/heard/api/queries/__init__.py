"""Read-side queries the API and dashboard share. Every result is safe to show: no author keys,
personal data redacted, aggregates with fewer than k distinct authors suppressed (RIGHTS.md §4, §7).
"""
