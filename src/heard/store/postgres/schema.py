"""The PostgreSQL schema: every migration of ``heard.store.duckdb.schema`` in PostgreSQL's DDL.

Table and column names are the DuckDB ones, so the read model's portable SQL runs on both (a
contract test migrates both stores and compares their columns). Types translate as: VARCHAR →
TEXT, FLOAT (4 bytes in DuckDB) → REAL, FLOAT[] → REAL[] (vectors; no pgvector needed), DOUBLE →
DOUBLE PRECISION; TIMESTAMP stays TIMESTAMP holding UTC.

What PostgreSQL has in addition, and why: the sequence ``heard_data_version``, advanced by every
write (other processes write too, so a server's caches cannot count only their own writes); and
indexes DuckDB does without (it scans columns; PostgreSQL reads rows): ``posts.text_hash``
  (the duplicate-text probe of every batch), ``posts.created_at`` (newest-first pages and time
  filters), ``post_topics.topic_id`` (a topic's posts).

Append a new ``(version, statements)`` pair with the same number as the DuckDB migration it
translates; never edit an applied one.
"""

from __future__ import annotations

from heard.store.coverage import cover_automated_runs
from heard.store.versions import Step

from heard.store.duckdb.schema import LATEST as DUCKDB_LATEST

MIGRATIONS: list[tuple[int, list[Step]]] = [
    (
        1,
        [
            """CREATE TABLE posts (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                external_id TEXT NOT NULL,
                author_key TEXT,
                title TEXT,
                text TEXT NOT NULL,
                text_hash TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                ingested_at TIMESTAMP NOT NULL,
                url TEXT,
                parent_id TEXT,
                thread_id TEXT,
                likes INTEGER DEFAULT 0,
                shares INTEGER DEFAULT 0,
                replies INTEGER DEFAULT 0,
                dislikes INTEGER DEFAULT 0,
                place TEXT,
                lang TEXT,
                lang_model TEXT,
                entities TEXT,
                search_text TEXT,
                sentiment_score REAL,
                sentiment_label TEXT,
                sentiment_model TEXT,
                sentiment_evidence TEXT,
                raw TEXT,
                file TEXT,
                position BIGINT
            )""",
            "CREATE INDEX posts_text_hash ON posts (text_hash)",
            "CREATE INDEX posts_created_at ON posts (created_at)",
            "CREATE SEQUENCE heard_data_version",
            """CREATE TABLE embeddings (
                post_id TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                vec REAL[] NOT NULL
            )""",
            """CREATE TABLE quarantine (
                key TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                file TEXT NOT NULL,
                position BIGINT NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT,
                raw TEXT,
                quarantined_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE checkpoints (
                file_key TEXT PRIMARY KEY,
                file TEXT NOT NULL,
                position BIGINT NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE ingest_runs (
                run_id TEXT PRIMARY KEY,
                started_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP,
                source TEXT,
                files TEXT,
                summary TEXT
            )""",
        ],
    ),
    (
        2,
        [
            """CREATE TABLE topics (
                topic_id INTEGER PRIMARY KEY,
                label TEXT,
                keywords TEXT,
                centroid REAL[],
                coherence REAL,
                size INTEGER NOT NULL,
                n_authors INTEGER,
                first_seen TIMESTAMP,
                last_seen TIMESTAMP,
                sentiment_mean REAL,
                sentiment_trend REAL,
                places TEXT,
                orgs TEXT,
                representative TEXT,
                series TEXT,
                status TEXT NOT NULL,
                merged_into INTEGER,
                model TEXT,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE post_topics (
                post_id TEXT PRIMARY KEY,
                topic_id INTEGER,
                similarity REAL,
                assigned_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX post_topics_topic ON post_topics (topic_id)",
            """CREATE TABLE topic_events (
                event_id BIGINT PRIMARY KEY,
                event_at TIMESTAMP NOT NULL,
                kind TEXT NOT NULL,
                topic_id INTEGER NOT NULL,
                other_id INTEGER,
                detail TEXT
            )""",
            """CREATE TABLE topic_state (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
        ],
    ),
    (
        3,
        [
            """CREATE TABLE IF NOT EXISTS alerts (
                alert_id TEXT PRIMARY KEY,
                topic_id INTEGER NOT NULL,
                onset TIMESTAMP NOT NULL,
                detected_at TIMESTAMP NOT NULL,
                fired_at TIMESTAMP NOT NULL,
                window_seconds DOUBLE PRECISION NOT NULL,
                count INTEGER NOT NULL,
                expected DOUBLE PRECISION NOT NULL,
                p_value DOUBLE PRECISION NOT NULL,
                authors INTEGER NOT NULL,
                evidence TEXT NOT NULL,
                deliveries TEXT
            )""",
        ],
    ),
    (
        4,
        [
            """CREATE TABLE users (
                username TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE api_tokens (
                token_id TEXT PRIMARY KEY,
                username TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                label TEXT,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP
            )""",
        ],
    ),
    (
        5,
        ["ALTER TABLE topics ADD COLUMN IF NOT EXISTS languages TEXT"],
    ),
    (
        6,
        [
            """CREATE TABLE IF NOT EXISTS topic_window (
                seq BIGINT PRIMARY KEY,
                post_id TEXT NOT NULL
            )""",
        ],
    ),
    (
        7,
        [
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_label TEXT",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_confidence REAL",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_evidence TEXT",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_model TEXT",
            "ALTER TABLE topics ADD COLUMN IF NOT EXISTS intents TEXT",
        ],
    ),
    (
        8,
        [
            """CREATE TABLE IF NOT EXISTS pending_work (
                kind TEXT PRIMARY KEY,
                since TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        9,
        [
            """CREATE TABLE IF NOT EXISTS deployment (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        10,
        [
            """CREATE TABLE IF NOT EXISTS departments (
                code TEXT PRIMARY KEY,
                name_zh TEXT,
                name_en TEXT,
                description TEXT,
                keywords TEXT,
                webhook TEXT,
                email TEXT,
                deadline_days TEXT
            )""",
            """CREATE TABLE IF NOT EXISTS cases (
                case_id TEXT PRIMARY KEY,
                post_id TEXT NOT NULL UNIQUE,
                department TEXT NOT NULL,
                status TEXT NOT NULL,
                routed_confidence REAL,
                routed_by TEXT,
                explanation TEXT,
                created_at TIMESTAMP NOT NULL,
                deadline_at TIMESTAMP,
                reply_text TEXT,
                reply_department TEXT,
                replied_at TIMESTAMP,
                closed_at TIMESTAMP,
                reopened_count INTEGER NOT NULL DEFAULT 0,
                public_token_hash TEXT,
                reply_quality REAL,
                reply_scores TEXT
            )""",
            "CREATE SEQUENCE IF NOT EXISTS case_event_seq START 1",
            """CREATE TABLE IF NOT EXISTS case_events (
                event_id BIGINT PRIMARY KEY DEFAULT nextval('case_event_seq'),
                case_id TEXT NOT NULL,
                "at" TIMESTAMP NOT NULL,
                kind TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT,
                from_department TEXT,
                to_department TEXT,
                actor_role TEXT,
                actor TEXT,
                note TEXT
            )""",
            """CREATE TABLE IF NOT EXISTS routing_corrections (
                post_id TEXT NOT NULL,
                department TEXT NOT NULL,
                corrected_at TIMESTAMP NOT NULL,
                actor TEXT
            )""",
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS department TEXT",
        ],
    ),
    (
        11,
        [
            """CREATE TABLE IF NOT EXISTS flags (
                flag_id TEXT PRIMARY KEY,
                post_id TEXT NOT NULL,
                label TEXT NOT NULL,
                source TEXT NOT NULL,
                detector TEXT,
                version TEXT,
                score DOUBLE PRECISION,
                threshold DOUBLE PRECISION,
                evidence TEXT,
                status TEXT NOT NULL,
                priority DOUBLE PRECISION NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS decisions (
                decision_id TEXT PRIMARY KEY,
                post_id TEXT NOT NULL,
                flag_ids TEXT NOT NULL,
                decision TEXT NOT NULL,
                label TEXT,
                automated_detection BOOLEAN NOT NULL,
                automated_decision BOOLEAN NOT NULL,
                moderator TEXT,
                facts TEXT NOT NULL,
                ground TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                statement TEXT NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS appeals (
                appeal_id TEXT PRIMARY KEY,
                decision_id TEXT NOT NULL UNIQUE,
                post_id TEXT NOT NULL,
                filed_at TIMESTAMP NOT NULL,
                text TEXT NOT NULL,
                status TEXT NOT NULL,
                decided_by TEXT,
                outcome TEXT,
                decided_at TIMESTAMP
            )""",
            """CREATE TABLE IF NOT EXISTS gold_items (
                gold_id TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                label TEXT NOT NULL,
                expected TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS gold_answers (
                gold_id TEXT NOT NULL,
                moderator TEXT NOT NULL,
                answer TEXT NOT NULL,
                answered_at TIMESTAMP NOT NULL,
                PRIMARY KEY (gold_id, moderator)
            )""",
            """CREATE TABLE IF NOT EXISTS audit_log (
                seq BIGINT PRIMARY KEY,
                "at" TIMESTAMP NOT NULL,
                kind TEXT NOT NULL,
                ref TEXT NOT NULL,
                payload TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )""",
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS trusted_flagger BOOLEAN DEFAULT false",
        ],
    ),
    (
        12,
        [
            """CREATE TABLE IF NOT EXISTS topic_merge_members (
                event_id BIGINT NOT NULL,
                post_id TEXT NOT NULL,
                PRIMARY KEY (event_id, post_id)
            )""",
        ],
    ),
    (
        13,
        [
            # listen: issues (heard.listen.issues): one problem at one place or of one group.
            # Never deleted: an issue that no longer forms is 'dissolved', so its id stays its own.
            """CREATE TABLE IF NOT EXISTS issues (
                issue_id INTEGER PRIMARY KEY,
                anchor VARCHAR NOT NULL,
                place VARCHAR NOT NULL,
                problem VARCHAR NOT NULL,
                terms VARCHAR,
                title VARCHAR,
                status VARCHAR NOT NULL,
                messages INTEGER NOT NULL,
                distinct_messages INTEGER NOT NULL,
                authors INTEGER NOT NULL,
                first_seen TIMESTAMP,
                last_seen TIMESTAMP,
                heat DOUBLE PRECISION,
                heat_components VARCHAR,
                burst_p DOUBLE PRECISION,
                bursting BOOLEAN,
                topic_id INTEGER,
                coherence DOUBLE PRECISION,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS issue_posts (
                issue_id INTEGER NOT NULL,
                post_id VARCHAR NOT NULL,
                duplicate_of VARCHAR,
                PRIMARY KEY (issue_id, post_id)
            )""",
            "CREATE INDEX IF NOT EXISTS issue_posts_post ON issue_posts (post_id)",
        ],
    ),
    (
        14,
        [
            # listen: an issue's burst alerts, one per episode; deliveries filled when sent.
            """CREATE TABLE IF NOT EXISTS issue_alerts (
                alert_id VARCHAR PRIMARY KEY,
                issue_id INTEGER NOT NULL,
                fired_at TIMESTAMP NOT NULL,
                window_end TIMESTAMP NOT NULL,
                p_value DOUBLE PRECISION NOT NULL,
                alert VARCHAR NOT NULL,
                deliveries VARCHAR
            )""",
        ],
    ),
    (
        15,
        [
            # answer: notifications of cases to their department (heard.answer.notifications),
            # one per (case, kind, ref); deliveries per channel, retried until ok or given up.
            """CREATE TABLE IF NOT EXISTS case_notifications (
                notification_id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                ref TEXT NOT NULL,
                department TEXT NOT NULL,
                created_at TIMESTAMP NOT NULL,
                payload TEXT NOT NULL,
                deliveries TEXT,
                done BOOLEAN NOT NULL DEFAULT false,
                UNIQUE (case_id, kind, ref)
            )""",
        ],
    ),
    (
        16,
        [
            # answer: departments edited or added in the dashboard (admin). Each row is a whole
            # definition (Department.to_dict() as JSON) that wins over heard.toml's and the
            # preset's for that code (heard.answer.departments.merge_edits).
            """CREATE TABLE IF NOT EXISTS department_edits (
                code TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                edited_at TIMESTAMP NOT NULL,
                edited_by TEXT NOT NULL
            )""",
        ],
    ),
    (
        17,
        [
            # protect: the notice an author gets of decisions on a post (DSA Art. 17): a token
            # per post (only its hash), shown once when the post's first decision is taken, with
            # which the author reads the statements of reasons and appeals without an account.
            """CREATE TABLE IF NOT EXISTS post_notices (
                post_id TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                created_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        18,
        [
            # answer: a case is about one message (post_id) or one issue (issue_id); see DuckDB's.
            "ALTER TABLE cases ALTER COLUMN post_id DROP NOT NULL",
            "ALTER TABLE cases ADD COLUMN IF NOT EXISTS issue_id INTEGER",
            "CREATE UNIQUE INDEX IF NOT EXISTS cases_issue ON cases (issue_id)",
        ],
    ),
    (
        19,
        [
            # protect: an appeal decision's stated reasons (DSA Art. 20(5)); see DuckDB's.
            "ALTER TABLE appeals ADD COLUMN IF NOT EXISTS facts TEXT",
            """UPDATE appeals SET facts = (
                SELECT l.payload::jsonb ->> 'facts' FROM audit_log l
                WHERE l.kind = 'appeal_decision' AND l.ref = appeals.appeal_id
                ORDER BY l.seq DESC LIMIT 1
            ) WHERE status = 'decided' AND facts IS NULL""",
        ],
    ),
    (
        20,
        [
            # ingest: what a checkpoint had read (heard.pipeline.resume); see DuckDB's.
            "ALTER TABLE checkpoints ADD COLUMN IF NOT EXISTS read_mark TEXT",
            # answer: closures after the deadline in force (heard "closed late"); see DuckDB's.
            "ALTER TABLE cases ADD COLUMN IF NOT EXISTS late_closures INTEGER DEFAULT 0",
            "UPDATE cases SET late_closures = CASE WHEN closed_at > deadline_at THEN 1 ELSE 0 END",
        ],
    ),
    (
        21,
        [
            # listen: where a dissolved issue's messages went; see DuckDB's.
            "ALTER TABLE issues ADD COLUMN IF NOT EXISTS successor_id INTEGER",
        ],
    ),
    (
        22,
        [
            # protect: a store made before an automated decision covered the spam and scam flags
            # of its run holds such flags pending beside the decision (the post came back to the
            # review queue); each is closed with an audit entry (heard.store.coverage).
            cover_automated_runs,
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]

PG_ONLY_COLUMNS: set[tuple[str, str]] = set()
"""Columns PostgreSQL has beyond DuckDB's: none (the contract test checks)."""

if LATEST != DUCKDB_LATEST:  # pragma: no cover - caught at import by every test
    raise ImportError(
        f"heard.store.postgres.schema stops at version {LATEST}, heard.store.duckdb.schema at "
        f"{DUCKDB_LATEST}: translate the new DuckDB migration into this file"
    )
