"""Answer: departments, routing of every concern to the department that owns it, cases with
their status and public replies, and the public accountability record."""
