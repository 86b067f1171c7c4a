"""Numbered schema migrations. ``PRAGMA user_version`` holds the number applied last.

Never edit a migration that has shipped: add a new one. Each runs in its own transaction
together with the version bump, so a crash leaves the file at one version or the next.
"""

import sqlite3
from collections.abc import Callable

M001_INITIAL = """
        CREATE TABLE organizations (
            id TEXT PRIMARY KEY,
            credit_code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            legal_rep TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            registration_authority TEXT NOT NULL DEFAULT '',
            authority_level TEXT NOT NULL DEFAULT '',
            supervising_unit TEXT NOT NULL DEFAULT '',
            founded_on TEXT NOT NULL DEFAULT '',
            registered_capital TEXT NOT NULL DEFAULT '',
            credit_status TEXT NOT NULL DEFAULT 'normal',
            registration_number TEXT NOT NULL DEFAULT '',
            name_initials TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX organizations_name_initials ON organizations(name_initials);
        CREATE INDEX organizations_kind ON organizations(kind, district);

        CREATE TABLE roster (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            certificate_no TEXT NOT NULL UNIQUE,
            unit TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'inspector',
            active INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE checklists (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            applies_to TEXT NOT NULL,          -- JSON list of OrgKind values
            effective_date TEXT NOT NULL,
            definition TEXT NOT NULL,          -- the whole checklist as JSON
            content_hash TEXT NOT NULL,        -- SHA-256 of the canonical JSON
            imported_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        );

        CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations(id),
            checklist_id TEXT NOT NULL,
            due_date TEXT NOT NULL DEFAULT '',
            inspector_ids TEXT NOT NULL DEFAULT '[]',   -- JSON list of roster ids
            status TEXT NOT NULL DEFAULT 'open',
            campaign_id TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE inspections (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations(id),
            task_id TEXT REFERENCES tasks(id),
            checklist_id TEXT NOT NULL,
            checklist_version INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            method TEXT NOT NULL DEFAULT 'on_site',
            started_at TEXT NOT NULL,
            place TEXT NOT NULL DEFAULT '',
            representative TEXT NOT NULL DEFAULT '',
            completed_at TEXT,
            approved_at TEXT,
            approved_by TEXT,
            return_reason TEXT NOT NULL DEFAULT '',
            revision INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            FOREIGN KEY (checklist_id, checklist_version) REFERENCES checklists(id, version)
        );
        CREATE INDEX inspections_org ON inspections(organization_id);
        CREATE INDEX inspections_status ON inspections(status);

        CREATE TABLE inspection_inspectors (
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            roster_id TEXT NOT NULL REFERENCES roster(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (inspection_id, roster_id)
        );

        CREATE TABLE answers (
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            item_id TEXT NOT NULL,
            value TEXT,                        -- JSON
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (inspection_id, item_id)
        );

        CREATE TABLE findings (
            id TEXT PRIMARY KEY,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            item_id TEXT,
            description TEXT NOT NULL,
            legal_basis TEXT NOT NULL DEFAULT '',
            severity TEXT NOT NULL,
            requirement TEXT NOT NULL DEFAULT '',
            rectification_days INTEGER,
            deadline TEXT,                     -- ISO date; NULL until set
            follow_up TEXT NOT NULL DEFAULT '',
            refund_due TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            escalation TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX findings_inspection ON findings(inspection_id);
        CREATE INDEX findings_status_deadline ON findings(status, deadline);

        CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            item_id TEXT,
            finding_id TEXT REFERENCES findings(id),
            sha256 TEXT NOT NULL,
            file_name TEXT NOT NULL,
            mime_type TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX attachments_inspection ON attachments(inspection_id);

        CREATE TABLE notices (
            id TEXT PRIMARY KEY,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            number TEXT NOT NULL,
            year INTEGER NOT NULL,
            serial INTEGER NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            issued_at TEXT NOT NULL,
            issued_by TEXT NOT NULL,
            UNIQUE (year, serial, version)
        );

        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            old TEXT,                          -- JSON
            new TEXT,                          -- JSON
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_entity ON audit_log(entity, entity_id);

        CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# The representative's confirmation of the on-site record 现场检查记录: name and signature image.
M_ONSITE_CONFIRMATIONS = """
        CREATE TABLE onsite_confirmations (
            inspection_id TEXT PRIMARY KEY REFERENCES inspections(id),
            representative TEXT NOT NULL,
            signature_sha256 TEXT NOT NULL,    -- PNG in the attachment files folder
            confirmed_at TEXT NOT NULL
        );
"""

# The sync outbox: one row per inspection revision to upload, written by triggers in the very
# transaction that completes or amends the inspection. ``bundle`` is frozen (the JSON actually
# sent) when the upload starts; a completed inspection edited again after that gets a new revision.
M_SYNC_OUTBOX = """
        CREATE TABLE sync_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            revision INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',  -- pending|sending|done|conflict|rejected
            bundle TEXT,                            -- JSON, frozen when sending starts
            message TEXT NOT NULL DEFAULT '',       -- last result, in Chinese
            attempts INTEGER NOT NULL DEFAULT 0,
            queued_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (inspection_id, revision)
        );
        CREATE TRIGGER sync_outbox_enqueue AFTER UPDATE OF status, revision ON inspections
        WHEN NEW.status IN ('completed', 'approved')
        BEGIN
            INSERT OR IGNORE INTO sync_outbox (inspection_id, revision, queued_at, updated_at)
            VALUES (NEW.id, NEW.revision, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
                    strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
        END;
        CREATE TRIGGER sync_outbox_new_revision AFTER UPDATE OF status ON inspections
        WHEN NEW.status = 'completed' AND OLD.status != 'completed' AND EXISTS (
            SELECT 1 FROM sync_outbox
            WHERE inspection_id = NEW.id AND revision = NEW.revision AND state != 'pending')
        BEGIN
            UPDATE inspections SET revision = revision + 1 WHERE id = NEW.id;
        END;
"""

# A reissued rectification notice keeps its number; the hash of the content it was issued with
# tells a reprint of the same content (same version) from an amended one (version + 1).
M_NOTICE_CONTENT = """
        ALTER TABLE notices ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
        CREATE INDEX notices_inspection ON notices(inspection_id, version);
"""

# Each entry is one SQL script; entry N (1-based) brings the schema to version N.
# Organization search: a trigram index over names for substrings of three or more characters,
# kept in step by triggers, and indexes for name-prefix ranges and for sorting/filtering the
# register page by page. The FTS rows are keyed by the organizations rowid (the table has a
# TEXT primary key); SQLite keeps those rowids across VACUUM in practice, and
# ``INSERT INTO organizations_fts(organizations_fts) VALUES ('rebuild')`` repairs it if not.
M_ORG_SEARCH = """
        CREATE INDEX organizations_name ON organizations(name);
        CREATE INDEX organizations_district ON organizations(district, name);
        CREATE INDEX organizations_credit_status ON organizations(credit_status, name);
        CREATE VIRTUAL TABLE organizations_fts USING fts5(
            name, content='organizations', content_rowid='rowid', tokenize='trigram'
        );
        INSERT INTO organizations_fts(organizations_fts) VALUES ('rebuild');
        CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations BEGIN
            INSERT INTO organizations_fts(rowid, name) VALUES (new.rowid, new.name);
        END;
        CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations BEGIN
            INSERT INTO organizations_fts(organizations_fts, rowid, name)
                VALUES ('delete', old.rowid, old.name);
        END;
        CREATE TRIGGER organizations_fts_update AFTER UPDATE OF name ON organizations
        WHEN old.name IS NOT new.name BEGIN
            INSERT INTO organizations_fts(organizations_fts, rowid, name)
                VALUES ('delete', old.rowid, old.name);
            INSERT INTO organizations_fts(rowid, name) VALUES (new.rowid, new.name);
        END;
"""

# The supervisor's desk: conflicts of interest 回避 between inspectors and organizations, the
# 双随机 campaigns with what makes a draw re-runnable (seed, parameters, hashes of the
# population and roster), the drawn list in draw order, and indexes for the rectification
# tracker and the "not inspected in the last N months" population filter.
M_CAMPAIGNS = """
        CREATE TABLE conflicts (
            roster_id TEXT NOT NULL REFERENCES roster(id),
            organization_id TEXT NOT NULL REFERENCES organizations(id),
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            PRIMARY KEY (roster_id, organization_id)
        );
        CREATE INDEX conflicts_organization ON conflicts(organization_id);

        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            seed TEXT NOT NULL,
            parameters TEXT NOT NULL,          -- JSON: criteria, size/ratio, team size
            population_size INTEGER NOT NULL,
            population_hash TEXT NOT NULL,     -- SHA-256 over the eligible ids in draw order
            roster_hash TEXT NOT NULL,         -- SHA-256 over eligible inspectors and conflicts
            checklist_id TEXT NOT NULL,
            due_date TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );

        CREATE TABLE campaign_targets (
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            position INTEGER NOT NULL,
            organization_id TEXT NOT NULL REFERENCES organizations(id),
            inspector_ids TEXT NOT NULL,       -- JSON list of roster ids
            task_id TEXT NOT NULL REFERENCES tasks(id),
            PRIMARY KEY (campaign_id, position)
        );
        CREATE INDEX tasks_campaign ON tasks(campaign_id);

        CREATE INDEX findings_deadline ON findings(deadline);
        CREATE INDEX findings_severity ON findings(severity, deadline);
        CREATE INDEX inspections_org_started ON inspections(organization_id, started_at);
"""

# Search lists shorter names first: walking this index in order, a one- or two-character
# search stops at the first 50 names that contain it instead of sorting every match.
M_ORG_NAME_LENGTH = """
        CREATE INDEX organizations_name_length ON organizations(length(name), name);
"""

# The rectification tracker counts and pages findings by status, deadline and severity and
# checks each finding's inspection: one covering index answers that without reading the table.
M_TRACKER_COVER = """
        CREATE INDEX findings_tracker ON findings(status, deadline, severity, inspection_id, id);
"""

# A supervisor's desk imports completed inspections from the server (``sync_imports``). Those
# belong to another inspector: the bundle outbox ignores them, and a review decision taken on
# one (completed → approved/returned) is queued in ``sync_reviews`` for upload.
M_SYNC_REVIEWS = """
        CREATE TABLE sync_imports (
            inspection_id TEXT PRIMARY KEY REFERENCES inspections(id),
            revision INTEGER NOT NULL,
            owner TEXT NOT NULL,                    -- server user name of the inspector
            imported_at TEXT NOT NULL
        );
        CREATE TABLE sync_reviews (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            inspection_id TEXT NOT NULL REFERENCES inspections(id),
            revision INTEGER NOT NULL,
            decision TEXT NOT NULL,                 -- approve|return
            reason TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'pending',  -- pending|done|conflict|rejected
            message TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0,
            queued_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (inspection_id, revision)
        );
        CREATE TRIGGER sync_reviews_enqueue AFTER UPDATE OF status ON inspections
        WHEN OLD.status = 'completed' AND NEW.status IN ('approved', 'returned')
            AND EXISTS (SELECT 1 FROM sync_imports WHERE inspection_id = NEW.id)
        BEGIN
            INSERT OR IGNORE INTO sync_reviews
                (inspection_id, revision, decision, reason, queued_at, updated_at)
            VALUES (NEW.id, NEW.revision,
                    CASE NEW.status WHEN 'approved' THEN 'approve' ELSE 'return' END,
                    CASE NEW.status WHEN 'returned' THEN NEW.return_reason ELSE '' END,
                    strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
                    strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
        END;
        DROP TRIGGER sync_outbox_enqueue;
        CREATE TRIGGER sync_outbox_enqueue AFTER UPDATE OF status, revision ON inspections
        WHEN NEW.status IN ('completed', 'approved')
            AND NOT EXISTS (SELECT 1 FROM sync_imports WHERE inspection_id = NEW.id)
        BEGIN
            INSERT OR IGNORE INTO sync_outbox (inspection_id, revision, queued_at, updated_at)
            VALUES (NEW.id, NEW.revision, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
                    strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
        END;
        DROP TRIGGER sync_outbox_new_revision;
        CREATE TRIGGER sync_outbox_new_revision AFTER UPDATE OF status ON inspections
        WHEN NEW.status = 'completed' AND OLD.status != 'completed' AND EXISTS (
            SELECT 1 FROM sync_outbox
            WHERE inspection_id = NEW.id AND revision = NEW.revision AND state != 'pending')
            AND NOT EXISTS (SELECT 1 FROM sync_imports WHERE inspection_id = NEW.id)
        BEGIN
            UPDATE inspections SET revision = revision + 1 WHERE id = NEW.id;
        END;
"""

# The SQLite header's application id marks the file as ours, so opening another program's
# SQLite file can refuse it before writing anything (``inspector.store``).
APPLICATION_ID = int.from_bytes(b"SOrg", "big")
M_APPLICATION_ID = f"""
        PRAGMA application_id = {APPLICATION_ID};
"""

# 登记状态 from the register: deregistered and revoked organizations stay in the register (their
# history matters) but are never drawn and get a new inspection only with a stated reason.
M_REGISTRATION_STATUS = """
        ALTER TABLE organizations ADD COLUMN registration_status TEXT NOT NULL DEFAULT 'active';
        CREATE INDEX organizations_registration_status
            ON organizations(registration_status, name);
"""

# Search by any part of the code, the pinyin initials or the full pinyin: the full pinyin is
# kept beside the initials (filled by ``_fill_name_pinyin`` below, in the same transaction),
# and the old name-only trigram index is dropped; the next migration indexes all four.
M_NAME_PINYIN = """
        ALTER TABLE organizations ADD COLUMN name_pinyin TEXT NOT NULL DEFAULT '';
        DROP TRIGGER organizations_fts_insert;
        DROP TRIGGER organizations_fts_delete;
        DROP TRIGGER organizations_fts_update;
        DROP TABLE organizations_fts;
"""


def _fill_name_pinyin(conn: sqlite3.Connection) -> None:
    from inspector.registry import name_pinyin  # registry imports the store, which imports us

    rows = conn.execute("SELECT rowid, name FROM organizations").fetchall()
    conn.executemany(
        "UPDATE organizations SET name_pinyin = ? WHERE rowid = ?",
        [(name_pinyin(name), rowid) for rowid, name in rows],
    )


# One trigram index over the name, the code, the initials and the full pinyin: a substring of
# three or more characters of any of them is found through it. Shorter parts (and parts too
# common for the trigram index to pay) are found by walking names shortest first in an index
# that holds all four, so the walk never reads the table.
M_ORG_SEARCH_KEYS = """
        CREATE INDEX organizations_search_walk
            ON organizations(length(name), name, credit_code, name_initials, name_pinyin);
        CREATE VIRTUAL TABLE organizations_fts USING fts5(
            name, credit_code, name_initials, name_pinyin,
            content='organizations', content_rowid='rowid', tokenize='trigram'
        );
        INSERT INTO organizations_fts(organizations_fts) VALUES ('rebuild');
        CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations BEGIN
            INSERT INTO organizations_fts(rowid, name, credit_code, name_initials, name_pinyin)
                VALUES (new.rowid, new.name, new.credit_code, new.name_initials, new.name_pinyin);
        END;
        CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations BEGIN
            INSERT INTO organizations_fts(
                organizations_fts, rowid, name, credit_code, name_initials, name_pinyin)
                VALUES ('delete', old.rowid, old.name, old.credit_code, old.name_initials,
                        old.name_pinyin);
        END;
        CREATE TRIGGER organizations_fts_update
        AFTER UPDATE OF name, credit_code, name_initials, name_pinyin ON organizations
        WHEN old.name IS NOT new.name OR old.credit_code IS NOT new.credit_code
            OR old.name_initials IS NOT new.name_initials
            OR old.name_pinyin IS NOT new.name_pinyin
        BEGIN
            INSERT INTO organizations_fts(
                organizations_fts, rowid, name, credit_code, name_initials, name_pinyin)
                VALUES ('delete', old.rowid, old.name, old.credit_code, old.name_initials,
                        old.name_pinyin);
            INSERT INTO organizations_fts(rowid, name, credit_code, name_initials, name_pinyin)
                VALUES (new.rowid, new.name, new.credit_code, new.name_initials, new.name_pinyin);
        END;
"""

# 送达 of a rectification notice: one record per inspection, the version served, how and when.
M_NOTICE_SERVICE = """
    CREATE TABLE notice_services (
        id TEXT PRIMARY KEY,
        inspection_id TEXT NOT NULL UNIQUE REFERENCES inspections(id),
        notice_id TEXT NOT NULL REFERENCES notices(id),
        served_at TEXT NOT NULL,
        method TEXT NOT NULL,
        recipient TEXT NOT NULL DEFAULT '',
        proxy_reason TEXT NOT NULL DEFAULT '',
        witness TEXT NOT NULL DEFAULT '',
        consent TEXT NOT NULL DEFAULT '',
        published_on TEXT NOT NULL DEFAULT '',
        servers TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
"""

# An issued notice is immutable: it keeps the settings it was issued with (authority, contact,
# remedies...), and a reissue is a new notice naming the one it replaces, with the reason.
M_NOTICE_SNAPSHOT = """
    ALTER TABLE notices ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE notices ADD COLUMN replaces TEXT NOT NULL DEFAULT '';
    ALTER TABLE notices ADD COLUMN reason TEXT NOT NULL DEFAULT '';
"""

# Each issuing authority has its own 代字 and yearly series (inspector/authorities.py): the
# notices table is rebuilt to make (authority_code, year, serial) the unique number, earlier
# notices taking the office's 代字 setting; blocks of numbers reserved from the office are kept.
M_NOTICE_AUTHORITY = """
    CREATE TABLE notice_authorities (
        name TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        review_body TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        automatic INTEGER NOT NULL DEFAULT 0  -- 代字 made from the name, not yet confirmed
    );
    CREATE TABLE notice_number_blocks (
        id TEXT PRIMARY KEY,
        authority_code TEXT NOT NULL,
        year INTEGER NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        next INTEGER NOT NULL,
        reserved_at TEXT NOT NULL
    );
    CREATE TABLE notices_by_authority (
        id TEXT PRIMARY KEY,
        inspection_id TEXT NOT NULL REFERENCES inspections(id),
        number TEXT NOT NULL,
        authority_code TEXT NOT NULL,
        year INTEGER NOT NULL,
        serial INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        issued_at TEXT NOT NULL,
        issued_by TEXT NOT NULL,
        content_hash TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL DEFAULT '{}',
        replaces TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        UNIQUE (authority_code, year, serial, version)
    );
    INSERT INTO notices_by_authority
        SELECT id, inspection_id, number,
               COALESCE((SELECT json_extract(value, '$') FROM settings
                         WHERE key = 'notice.prefix'), '民社整'),
               year, serial, version, issued_at, issued_by, content_hash, settings, replaces,
               reason
        FROM notices;
    DROP TABLE notices;
    ALTER TABLE notices_by_authority RENAME TO notices;
    CREATE INDEX notices_inspection ON notices(inspection_id, version);
"""

# When the person on site cannot or will not sign, the reason is recorded instead of a signature:
# 拒绝签字 with a witness, or 当事人不在场 (``inspector.onsite_record``).
M_ONSITE_OUTCOME = """
        ALTER TABLE onsite_confirmations ADD COLUMN outcome TEXT NOT NULL DEFAULT 'signed';
        ALTER TABLE onsite_confirmations ADD COLUMN witness TEXT NOT NULL DEFAULT '';
        ALTER TABLE onsite_confirmations ADD COLUMN reason TEXT NOT NULL DEFAULT '';
"""

# Finding status changes made on the device after its inspection went up (report-back, 复查,
# escalation): one row each, queued in the transaction of the change (``inspector.findings``), with
# the finding's server revision it was made on. Rows received from the server (``origin``
# 'server') mark changes made elsewhere and applied here. ``sync_finding_revisions`` keeps the
# latest server revision (and status) of each finding, also of findings not on the device yet.
M_SYNC_FIELD_CHANGES = """
        CREATE TABLE sync_field_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            change_id TEXT NOT NULL UNIQUE,          -- UUID made on the device that made it
            finding_id TEXT NOT NULL,
            inspection_id TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- report_back|recheck_passed|recheck_failed|escalate
            base_revision INTEGER NOT NULL,          -- the finding's server revision it was made on
            follows TEXT,                            -- the local change it was made on top of
            actor TEXT NOT NULL,
            made_at TEXT NOT NULL,
            detail TEXT NOT NULL,                    -- JSON: text, reason, evidence, deadline
            origin TEXT NOT NULL DEFAULT 'local',    -- local|server
            state TEXT NOT NULL DEFAULT 'pending',   -- pending|sending|done|conflict|rejected
            change TEXT,                             -- JSON, frozen when sending starts
            message TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sync_field_changes_finding ON sync_field_changes(finding_id);
        CREATE TABLE sync_finding_revisions (
            finding_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL,
            status TEXT NOT NULL,
            by TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT ''
        );
"""

MIGRATIONS: list[str] = [
    M001_INITIAL,
    M_ONSITE_CONFIRMATIONS,
    M_SYNC_OUTBOX,
    M_NOTICE_CONTENT,
    M_ORG_SEARCH,
    M_CAMPAIGNS,
    M_ORG_NAME_LENGTH,
    M_TRACKER_COVER,
    M_SYNC_REVIEWS,
    M_APPLICATION_ID,
    M_REGISTRATION_STATUS,
    M_NAME_PINYIN,
    M_ORG_SEARCH_KEYS,
    M_NOTICE_SERVICE,
    M_NOTICE_SNAPSHOT,
    M_NOTICE_AUTHORITY,
    M_ONSITE_OUTCOME,
    M_SYNC_FIELD_CHANGES,
]
LATEST_VERSION = len(MIGRATIONS)
# Python run after a migration's script, in its transaction: what SQL alone cannot compute.
AFTER_SCRIPT: dict[int, Callable[[sqlite3.Connection], None]] = {
    MIGRATIONS.index(M_NAME_PINYIN) + 1: _fill_name_pinyin,
}
