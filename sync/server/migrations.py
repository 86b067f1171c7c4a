"""Numbered schema migrations of the server database, for SQLite and PostgreSQL alike.

Each entry is ``(number, script)``; ``render`` fills the few spots where the engines differ.
A database records the number it has reached in ``schema_version`` (one made before numbered
migrations counts as 1). Migrations only ever add: a released number is never edited.
"""

_TYPES = {
    "sqlite": {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    "postgresql": {"serial": "BIGSERIAL PRIMARY KEY"},
}

_V1_FIRST_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roster_id TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    token_hash TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL REFERENCES users(username),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    PRIMARY KEY (entity, entity_id)
);
CREATE TABLE IF NOT EXISTS entity_access (
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, username)
);
CREATE TABLE IF NOT EXISTS inspections (
    inspection_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS bundles (
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (inspection_id, revision)
);
CREATE TABLE IF NOT EXISTS bundle_files (
    inspection_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, revision, sha256)
);
CREATE INDEX IF NOT EXISTS bundle_files_sha ON bundle_files(sha256);
CREATE TABLE IF NOT EXISTS findings (
    finding_id TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    status TEXT NOT NULL DEFAULT 'open'
);
CREATE TABLE IF NOT EXISTS reviews (
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    revision INTEGER NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewer_name TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (inspection_id, revision)
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL
);
"""

_V2_NOTICE_NUMBERS = """
CREATE TABLE IF NOT EXISTS notice_numbers (
    authority_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (authority_code, year)
);
"""

_V3_OWNERSHIP_AND_AUDIT = """
CREATE TABLE inspection_owners (
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    username TEXT NOT NULL,
    PRIMARY KEY (inspection_id, username)
);
CREATE INDEX inspection_owners_user ON inspection_owners(username);
INSERT INTO inspection_owners (inspection_id, username) SELECT inspection_id, owner FROM inspections;
ALTER TABLE inspections ADD COLUMN withdrawn_by TEXT;
ALTER TABLE inspections ADD COLUMN withdraw_reason TEXT;
CREATE TABLE blob_holders (
    sha256 TEXT NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (sha256, username)
);
INSERT INTO blob_holders (sha256, username)
    SELECT DISTINCT f.sha256, i.owner FROM bundle_files f
    JOIN inspections i ON i.inspection_id = f.inspection_id
    JOIN blobs b ON b.sha256 = f.sha256;
CREATE TABLE server_audit (
    id {serial},
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    device_id TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE audit_heads (
    id {serial},
    username TEXT NOT NULL,
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    inspection_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX audit_heads_device ON audit_heads(device_id);
CREATE TABLE login_failures (
    id {serial},
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_address ON login_failures(address, at);
ALTER TABLE users ADD COLUMN quota_bytes BIGINT;
ALTER TABLE devices ADD COLUMN revoked_by TEXT;
"""

# Finding changes recorded on devices after upload (report-back, 复查, escalation), each its own
# write; a finding's ``revision`` counts the accepted status changes (office and field alike).
_V4_FIELD_CHANGES = """
ALTER TABLE findings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE field_changes (
    change_id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings(finding_id),
    inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id),
    kind TEXT NOT NULL,
    base_revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    username TEXT NOT NULL,
    device_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'waiting',
    revision INTEGER,
    office_status TEXT,
    detail TEXT NOT NULL DEFAULT '',
    settled_at TEXT
);
CREATE INDEX field_changes_finding ON field_changes(finding_id);
CREATE TABLE change_files (
    change_id TEXT NOT NULL REFERENCES field_changes(change_id),
    inspection_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    username TEXT NOT NULL,
    PRIMARY KEY (change_id, sha256)
);
CREATE INDEX change_files_sha ON change_files(sha256);
"""

_V5_DEVICE_SIGN_IN = """
ALTER TABLE users ADD COLUMN disabled_at TEXT;
CREATE TABLE device_secrets (
    device_id TEXT PRIMARY KEY,
    sealed TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE device_accounts (
    device_id TEXT NOT NULL,
    username TEXT NOT NULL,
    first_at TEXT NOT NULL,
    PRIMARY KEY (device_id, username)
);
"""

# What each user's files take, kept as they are recorded: the quota is checked on every upload
# (twice, once under the writer lock), and summing a user's files grew with their history.
_V6_USAGE = """
ALTER TABLE users ADD COLUMN used_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE users SET used_bytes = (SELECT COALESCE(SUM(b.size), 0) FROM blobs b
    JOIN blob_holders h ON h.sha256 = b.sha256 WHERE h.username = users.username);
"""

MIGRATIONS: list[tuple[int, str]] = [
    (1, _V1_FIRST_SCHEMA),
    (2, _V2_NOTICE_NUMBERS),
    (3, _V3_OWNERSHIP_AND_AUDIT),
    (4, _V4_FIELD_CHANGES),
    (5, _V5_DEVICE_SIGN_IN),
    (6, _V6_USAGE),
]


def render(script: str, engine: str) -> str:
    """The script for one engine (``sqlite`` or ``postgresql``)."""
    return script.format(**_TYPES[engine])
