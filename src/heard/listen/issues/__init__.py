"""Issues: one problem at one place (or of one group) — what an official acts on.

``grouping`` finds them among messages (pure), ``measure`` describes each (place, problem, time
range, distinct messages and authors, heat, burst), ``operator`` keeps them in the store as posts
arrive, with ids that survive later ingests.
"""
