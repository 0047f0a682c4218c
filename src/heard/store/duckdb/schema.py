"""Schema migrations, applied in order and recorded in ``schema_version``.

Append a new ``(version, statements)`` pair to change the schema; never edit an applied one.
Timestamps are stored as ``TIMESTAMP`` holding UTC.
"""

from __future__ import annotations

from heard.store.coverage import cover_automated_runs
from heard.store.versions import Step

FTS_IGNORE = r"[^\p{L}\p{N}_]+"
"""Characters the full-text index treats as separators: everything but letters, digits and ``_``
(the default would drop Chinese characters)."""

HAS_SEARCH_INDEX = (
    "SELECT count(*) FROM duckdb_tables() "
    "WHERE schema_name = 'fts_main_posts' AND table_name = 'postings'"
)

MIGRATIONS: list[tuple[int, list[Step]]] = [
    (
        1,
        [
            """CREATE TABLE posts (
                id VARCHAR PRIMARY KEY,
                source VARCHAR NOT NULL,
                external_id VARCHAR NOT NULL,
                author_key VARCHAR,
                title VARCHAR,
                text VARCHAR NOT NULL,
                text_hash VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                ingested_at TIMESTAMP NOT NULL,
                url VARCHAR,
                parent_id VARCHAR,
                thread_id VARCHAR,
                likes INTEGER DEFAULT 0,
                shares INTEGER DEFAULT 0,
                replies INTEGER DEFAULT 0,
                dislikes INTEGER DEFAULT 0,
                place VARCHAR,
                lang VARCHAR,
                lang_model VARCHAR,
                entities VARCHAR,
                search_text VARCHAR,
                sentiment_score FLOAT,
                sentiment_label VARCHAR,
                sentiment_model VARCHAR,
                sentiment_evidence VARCHAR,
                raw VARCHAR,
                file VARCHAR,
                position BIGINT
            )""",
            """CREATE TABLE embeddings (
                post_id VARCHAR PRIMARY KEY,
                model VARCHAR NOT NULL,
                vec FLOAT[] NOT NULL
            )""",
            """CREATE TABLE quarantine (
                key VARCHAR PRIMARY KEY,
                source VARCHAR NOT NULL,
                file VARCHAR NOT NULL,
                position BIGINT NOT NULL,
                reason VARCHAR NOT NULL,
                detail VARCHAR,
                raw VARCHAR,
                quarantined_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE checkpoints (
                file_key VARCHAR PRIMARY KEY,
                file VARCHAR NOT NULL,
                position BIGINT NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE ingest_runs (
                run_id VARCHAR PRIMARY KEY,
                started_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP,
                source VARCHAR,
                files VARCHAR,
                summary VARCHAR
            )""",
        ],
    ),
    (
        2,
        [
            # topics (heard.listen.topics): streaming topic discovery, its state and its history.
            """CREATE TABLE topics (
                topic_id INTEGER PRIMARY KEY,
                label VARCHAR,
                keywords VARCHAR,
                centroid FLOAT[],
                coherence FLOAT,
                size INTEGER NOT NULL,
                n_authors INTEGER,
                first_seen TIMESTAMP,
                last_seen TIMESTAMP,
                sentiment_mean FLOAT,
                sentiment_trend FLOAT,
                places VARCHAR,
                orgs VARCHAR,
                representative VARCHAR,
                series VARCHAR,
                status VARCHAR NOT NULL,
                merged_into INTEGER,
                model VARCHAR,
                created_at TIMESTAMP NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE post_topics (
                post_id VARCHAR PRIMARY KEY,
                topic_id INTEGER,
                similarity FLOAT,
                assigned_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE topic_events (
                event_id BIGINT PRIMARY KEY,
                event_at TIMESTAMP NOT NULL,
                kind VARCHAR NOT NULL,
                topic_id INTEGER NOT NULL,
                other_id INTEGER,
                detail VARCHAR
            )""",
            """CREATE TABLE topic_state (
                key VARCHAR PRIMARY KEY,
                value VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        3,
        [
            # hot spots (heard.listen.hotspots): one row per burst alert; dedup = one per topic per
            # episode.
            """CREATE TABLE IF NOT EXISTS alerts (
                alert_id VARCHAR PRIMARY KEY,
                topic_id INTEGER NOT NULL,
                onset TIMESTAMP NOT NULL,
                detected_at TIMESTAMP NOT NULL,
                fired_at TIMESTAMP NOT NULL,
                window_seconds DOUBLE NOT NULL,
                count INTEGER NOT NULL,
                expected DOUBLE NOT NULL,
                p_value DOUBLE NOT NULL,
                authors INTEGER NOT NULL,
                evidence VARCHAR NOT NULL,
                deliveries VARCHAR
            )""",
        ],
    ),
    (
        4,
        [
            # accounts for `heard serve` (heard.auth): argon2 hashes, hashed session/API tokens.
            """CREATE TABLE users (
                username VARCHAR PRIMARY KEY,
                password_hash VARCHAR NOT NULL,
                role VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE sessions (
                token_hash VARCHAR PRIMARY KEY,
                username VARCHAR NOT NULL,
                csrf_token VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE api_tokens (
                token_id VARCHAR PRIMARY KEY,
                username VARCHAR NOT NULL,
                token_hash VARCHAR NOT NULL UNIQUE,
                label VARCHAR,
                created_at TIMESTAMP NOT NULL,
                revoked_at TIMESTAMP
            )""",
        ],
    ),
    (
        5,
        [
            # topics: posts per language, stored with the representation (a topic's detail is a
            # lookup; its series changed shape to {"unit", "points"}, read back by
            # heard.listen.topics).
            "ALTER TABLE topics ADD COLUMN IF NOT EXISTS languages VARCHAR",
        ],
    ),
    (
        6,
        [
            # topics: the posts since the last consolidation, in arrival order — the neighbour
            # vote's window, kept so that a resumed run votes on them too
            # (heard.listen.topics.persist).
            """CREATE TABLE IF NOT EXISTS topic_window (
                seq BIGINT PRIMARY KEY,
                post_id VARCHAR NOT NULL
            )""",
        ],
    ),
    (
        7,
        [
            # intent per post (complaint, suggestion, question, praise, incident_report) and each
            # topic's intent counts, kept with its representation (heard.stages.intent).
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_label VARCHAR",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_confidence FLOAT",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_evidence VARCHAR",
            "ALTER TABLE posts ADD COLUMN IF NOT EXISTS intent_model VARCHAR",
            "ALTER TABLE topics ADD COLUMN IF NOT EXISTS intents VARCHAR",
        ],
    ),
    (
        8,
        [
            # end-of-run work owed (heard.pipeline.pending): set in the transaction of every batch
            # that stores posts, cleared in the transaction that builds the search index at the
            # end of the run; a run killed between the two leaves it set, and the next run or
            # open for writing finishes the work (topic labels, search index).
            """CREATE TABLE IF NOT EXISTS pending_work (
                kind VARCHAR PRIMARY KEY,
                since TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        9,
        [
            # per-deployment facts (heard.read.reindex, heard.protect.salt): the author salt
            # created on first use, the PII-detector version the search text was redacted with.
            """CREATE TABLE IF NOT EXISTS deployment (
                key VARCHAR PRIMARY KEY,
                value VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        10,
        [
            # answer (heard.answer.cases): departments, one case per concern, every change to a
            # case, and responders' reassignments (the router's next training data).
            """CREATE TABLE IF NOT EXISTS departments (
                code VARCHAR PRIMARY KEY,
                name_zh VARCHAR,
                name_en VARCHAR,
                description VARCHAR,
                keywords VARCHAR,
                webhook VARCHAR,
                email VARCHAR,
                deadline_days VARCHAR
            )""",
            """CREATE TABLE IF NOT EXISTS cases (
                case_id VARCHAR PRIMARY KEY,
                post_id VARCHAR NOT NULL UNIQUE,
                department VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                routed_confidence FLOAT,
                routed_by VARCHAR,
                explanation VARCHAR,
                created_at TIMESTAMP NOT NULL,
                deadline_at TIMESTAMP,
                reply_text VARCHAR,
                reply_department VARCHAR,
                replied_at TIMESTAMP,
                closed_at TIMESTAMP,
                reopened_count INTEGER NOT NULL DEFAULT 0,
                public_token_hash VARCHAR,
                reply_quality FLOAT,
                reply_scores VARCHAR
            )""",
            "CREATE SEQUENCE IF NOT EXISTS case_event_seq START 1",
            """CREATE TABLE IF NOT EXISTS case_events (
                event_id BIGINT PRIMARY KEY DEFAULT nextval('case_event_seq'),
                case_id VARCHAR NOT NULL,
                "at" TIMESTAMP NOT NULL,
                kind VARCHAR NOT NULL,
                from_status VARCHAR,
                to_status VARCHAR,
                from_department VARCHAR,
                to_department VARCHAR,
                actor_role VARCHAR,
                actor VARCHAR,
                note VARCHAR
            )""",
            """CREATE TABLE IF NOT EXISTS routing_corrections (
                post_id VARCHAR NOT NULL,
                department VARCHAR NOT NULL,
                corrected_at TIMESTAMP NOT NULL,
                actor VARCHAR
            )""",
            # a responder account works one department's queue (heard.auth.roles)
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS department VARCHAR",
        ],
    ),
    (
        11,
        [
            # protect (heard.protect): flags, decisions with their DSA statement of reasons,
            # appeals, reviewer calibration and the hash-chained audit log. Every table is keyed
            # by post or decision, never by author (RIGHTS.md §4).
            """CREATE TABLE IF NOT EXISTS flags (
                flag_id VARCHAR PRIMARY KEY,
                post_id VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                detector VARCHAR,
                version VARCHAR,
                score DOUBLE,
                threshold DOUBLE,
                evidence VARCHAR,
                status VARCHAR NOT NULL,
                priority DOUBLE NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS decisions (
                decision_id VARCHAR PRIMARY KEY,
                post_id VARCHAR NOT NULL,
                flag_ids VARCHAR NOT NULL,
                decision VARCHAR NOT NULL,
                label VARCHAR,
                automated_detection BOOLEAN NOT NULL,
                automated_decision BOOLEAN NOT NULL,
                moderator VARCHAR,
                facts VARCHAR NOT NULL,
                ground VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                statement VARCHAR NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS appeals (
                appeal_id VARCHAR PRIMARY KEY,
                decision_id VARCHAR NOT NULL UNIQUE,
                post_id VARCHAR NOT NULL,
                filed_at TIMESTAMP NOT NULL,
                text VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                decided_by VARCHAR,
                outcome VARCHAR,
                decided_at TIMESTAMP
            )""",
            """CREATE TABLE IF NOT EXISTS gold_items (
                gold_id VARCHAR PRIMARY KEY,
                text VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                expected VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE IF NOT EXISTS gold_answers (
                gold_id VARCHAR NOT NULL,
                moderator VARCHAR NOT NULL,
                answer VARCHAR NOT NULL,
                answered_at TIMESTAMP NOT NULL,
                PRIMARY KEY (gold_id, moderator)
            )""",
            """CREATE TABLE IF NOT EXISTS audit_log (
                seq BIGINT PRIMARY KEY,
                "at" TIMESTAMP NOT NULL,
                kind VARCHAR NOT NULL,
                ref VARCHAR NOT NULL,
                payload VARCHAR NOT NULL,
                prev_hash VARCHAR NOT NULL,
                hash VARCHAR NOT NULL
            )""",
            # trusted flaggers (DSA Art. 22) are accounts with this attribute; their flags go first
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS trusted_flagger BOOLEAN DEFAULT false",
        ],
    ),
    (
        12,
        [
            # topics: the posts an absorbed topic held when it was merged (its topic_events row),
            # so that the merge can be undone (heard topics --undo-merge EVENT).
            """CREATE TABLE IF NOT EXISTS topic_merge_members (
                event_id BIGINT NOT NULL,
                post_id VARCHAR NOT NULL,
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
                heat DOUBLE,
                heat_components VARCHAR,
                burst_p DOUBLE,
                bursting BOOLEAN,
                topic_id INTEGER,
                coherence DOUBLE,
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
                p_value DOUBLE NOT NULL,
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
                notification_id VARCHAR PRIMARY KEY,
                case_id VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                ref VARCHAR NOT NULL,
                department VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                payload VARCHAR NOT NULL,
                deliveries VARCHAR,
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
                code VARCHAR PRIMARY KEY,
                definition VARCHAR NOT NULL,
                edited_at TIMESTAMP NOT NULL,
                edited_by VARCHAR NOT NULL
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
                post_id VARCHAR PRIMARY KEY,
                token_hash VARCHAR NOT NULL UNIQUE,
                created_at TIMESTAMP NOT NULL
            )""",
        ],
    ),
    (
        18,
        [
            # answer: a case is about one message (post_id) or one issue (issue_id, issue 18
            # item 3): exactly one of the two is set (heard.answer.issue_cases checks it). The
            # post's column loses NOT NULL (its UNIQUE stays; NULLs never collide) and the
            # issue's is unique when set, so an issue has one case at most. The index comes last:
            # DuckDB refuses to ALTER a table that an index depends on.
            "ALTER TABLE cases ALTER COLUMN post_id DROP NOT NULL",
            "ALTER TABLE cases ADD COLUMN IF NOT EXISTS issue_id INTEGER",
            "CREATE UNIQUE INDEX IF NOT EXISTS cases_issue ON cases (issue_id)",
        ],
    ),
    (
        19,
        [
            # protect: an appeal decision's stated reasons, which the author reads with the
            # post's notice token (DSA Art. 20(5)); until now only the audit log held them.
            # Appeals decided before are filled in from their appeal_decision entry.
            "ALTER TABLE appeals ADD COLUMN IF NOT EXISTS facts VARCHAR",
            """UPDATE appeals SET facts = (
                SELECT json_extract_string(l.payload, '$.facts') FROM audit_log l
                WHERE l.kind = 'appeal_decision' AND l.ref = appeals.appeal_id
                ORDER BY l.seq DESC LIMIT 1
            ) WHERE status = 'decided' AND facts IS NULL""",
        ],
    ),
    (
        20,
        [
            # ingest: a checkpoint keeps what had been read when it was written (bytes and their
            # SHA-1, ``heard.connectors.base.ConsumedBytes``), so a re-ingest can tell a grown
            # file from one whose rows already read have changed (a board exported again with
            # replies filled in for old rows) and read those again (heard.pipeline.resume).
            # NULL for checkpoints written before, and for formats read whole (XLSX, Parquet).
            "ALTER TABLE checkpoints ADD COLUMN IF NOT EXISTS read_mark VARCHAR",
            # answer: how many times a case was closed after the deadline in force (its first,
            # or the fresh one a reopening gave), so that reopening a late closure and closing
            # it again on time does not wipe it off the department's record ("closed late").
            # Cases closed before are counted from their current closure.
            "ALTER TABLE cases ADD COLUMN IF NOT EXISTS late_closures INTEGER DEFAULT 0",
            "UPDATE cases SET late_closures = CASE WHEN closed_at > deadline_at THEN 1 ELSE 0 END",
        ],
    ),
    (
        21,
        [
            # listen: where a dissolved issue's messages went (heard.store.repos.issues): the
            # active issue that holds most of them now, NULL when none does or while the issue
            # is active. Alerts follow it, so an alert never names an issue that is gone without
            # saying where its messages are. Issues dissolved before stay NULL.
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
