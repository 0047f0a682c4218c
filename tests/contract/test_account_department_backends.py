"""Moving a responder to another department (``heard users department``) commits the account's
department and its audit entry together, and keeps its token, on DuckDB and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

from heard.auth import Accounts, Role
from heard.protect import audit


def test_a_responder_moves_with_its_token_and_an_audit_entry(open_target):
    store = open_target()
    accounts = Accounts(store, clock=lambda: datetime(2026, 3, 2, 9, 0))
    accounts.add_user("rita", "long-enough-pw", Role.responder, "water")
    _, token = accounts.create_token("rita", "desk")
    with store.transaction():
        before = accounts.change_department("rita", "roads")
        audit.append(store, "account_department", "rita", {"from": before, "to": "roads"},
                     datetime(2026, 3, 2, 9, 0))  # fmt: skip
    assert before == "water" and accounts.department_of("rita") == "roads"
    user = accounts.user_for_token(token)
    assert user is not None and user.username == "rita"
    [entry] = store.protect.audit_of_kind("account_department", 5)
    assert entry["ref"] == "rita" and json.loads(entry["payload_text"])["to"] == "roads"
    assert audit.verify_entries(store.protect.audit_entries()).ok
