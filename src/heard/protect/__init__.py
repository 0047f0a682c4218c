"""Protect: Heard's third side. A closed harm taxonomy, explained detectors and the stage that runs
them (RIGHTS.md §1, §2, §5). Criticism, satire, protest, journalism, whistleblowing and religious
or minority-language speech are never harm; every detector is tested against them."""
