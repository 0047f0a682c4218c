"""The answer side of Heard: departments, routing, cases, official replies and their quality."""
