"""``heard flags --rescan`` withdraws the pending detector flags the current detectors no longer
raise (flags from before a fix): a status with an audit entry, visible in the flag's history,
never a deletion. A flag a moderator decided stays as it is; a report by a person is never
withdrawn; ``heard audit verify`` checks the withdrawal like every other entry."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from heard.auth.accounts import Accounts
from heard.cli import run
from heard.errors import InputError
from heard.protect import audit
from heard.protect.detectors import Flag
from heard.protect.operator import rescan
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.protect import flag_history
from heard.records import Post
from heard.store import open_store

CRITIC = "青石区城管局对投诉只会回复已督促整改，两周了什么都没改，领导不称职就该问责。"
PROTEST = "周六上午十点市政府门前和平集会，反对拆除老城区，请大家带上标语，遵守秩序。"
SCAM = "我是你们王总，换了新号码，现在急需转一笔款，先转5万到这个账户，别打电话，办完再说。"


class BeforeTheFix:
    """A spam rule set as it was before a fix: it flagged civic speech."""

    name = "rules"
    version = "0.9"

    def detect(self, texts, forms=None):
        return [
            [Flag("spam", 0.95, 0.8, "rules.spam", self.version, "old_rule")]
            if "集会" in t or "城管" in t
            else []
            for t in texts
        ]


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "rescan.duckdb"
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    with open_store(path) as s:
        posts = [
            Post(id=f"t:{i}", source="t", external_id=str(i), text=t, author_key="a", created_at=at)
            for i, t in enumerate((CRITIC, PROTEST, SCAM))
        ]
        s.write_batch(posts, {"lang": ["zh"] * 3}, {})
        Accounts(s).add_user("mod1", "password-1", "moderator")
        review = Review(s)
        old = HarmStage([BeforeTheFix()], nearest=0).flag_texts([CRITIC, PROTEST])
        review.record_detector_flags([("t:0", old[0]), ("t:1", old[1])])
        flags = {
            f["post_id"]: f["flag_id"] for f in s.protect.pending_detector_flags(["t:0", "t:1"])
        }
        review.decide(flags["t:1"], "no_action", "和平集会通知，不是垃圾信息。", "mod1")
        review.report("t:0", "harassment", note="I don't like it")
    return path, flags


def test_a_rescan_withdraws_stale_detector_flags_only(db, capsys):
    path, flags = db
    with open_store(path) as s:
        done = rescan(s, stage=HarmStage(nearest=0), auto_threshold=None)
        assert done["withdrawn"] == 1 and done["posts"] == 3
        status = {
            (r["post_id"], r["source"]): r["status"]
            for r in s.rows("SELECT post_id, source, status FROM flags")
        }
        assert status[("t:0", "detector")] == "withdrawn"  # stale and undecided: withdrawn
        assert status[("t:1", "detector")] == "dismissed"  # a moderator decided it: kept
        assert status[("t:0", "public_report")] == "pending"  # a person's report: kept
        assert status[("t:2", "detector")] == "pending"  # the scam, raised now
        assert s.scalar("SELECT count(*) FROM flags WHERE post_id = 't:0'") == 2  # not deleted
        assert audit.verify(s).ok
        history = flag_history(s, flags["t:0"])["history"]
        assert [e["kind"] for e in history] == ["flag", "withdrawal"]
        assert history[1]["status"] == "withdrawn" and "no longer raises" in history[1]["reason"]
        assert "rules.spam@" in history[1]["rescanned_with"]
        assert [e["kind"] for e in flag_history(s, flags["t:1"])["history"]] == ["flag", "decision"]
        assert rescan(s, stage=HarmStage(nearest=0), auto_threshold=None)["withdrawn"] == 0
        with pytest.raises(InputError, match="was withdrawn: a rescan") as refused:
            Review(s).decide(flags["t:0"], "remove", "spam", "mod1")
        assert "its history says when and why" in refused.value.fix  # each surface says where
    assert run(["flags", "--status", "withdrawn", "--json", "--db", str(path)]) == 0
    [shown] = json.loads(capsys.readouterr().out)["flags"]
    assert shown["flag_id"] == flags["t:0"] and shown["status"] == "withdrawn"
    assert run(["flags", "--history", flags["t:0"], "--db", str(path)]) == 0
    assert "withdrawal" in capsys.readouterr().out
    assert run(["flags", "--history", "f-nothing", "--db", str(path)]) == 2


def test_verify_names_the_withdrawal_a_changed_status_no_longer_matches(db):
    path, flags = db
    with open_store(path) as s:
        rescan(s, stage=HarmStage(nearest=0), auto_threshold=None)
        s.execute("UPDATE flags SET status = 'pending' WHERE flag_id = ?", [flags["t:0"]])
        verdict = audit.verify(s)
        assert not verdict.ok and "status changed" in verdict.reason
        seq = s.scalar("SELECT seq FROM audit_log WHERE kind = 'withdrawal'")
        assert verdict.broken_seq == seq


def test_a_withdrawn_flag_raised_again_goes_back_to_the_queue(db):
    """Withdrawn by one rescan, raised by the detectors of a later one (a fix reverted, a rule
    widened): the flag is pending again, with a reopening entry, not lost under its taken id."""
    path, flags = db
    with open_store(path) as s:
        assert rescan(s, stage=HarmStage(nearest=0), auto_threshold=None)["withdrawn"] == 1
        again = rescan(s, stage=HarmStage([BeforeTheFix()], nearest=0), auto_threshold=None)
        # (the old detectors raise no scam: the scam flag of the first rescan is withdrawn now)
        assert again["reopened"] == 1 and again["withdrawn"] == 1
        assert s.protect.flag(flags["t:0"])["status"] == "pending"
        assert s.protect.flag(flags["t:1"])["status"] == "dismissed"  # decided: stays
        kinds = [e["kind"] for e in flag_history(s, flags["t:0"])["history"]]
        assert kinds == ["flag", "withdrawal", "reopening"]
        assert audit.verify(s).ok
