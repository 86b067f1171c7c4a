"""The core: domain model, local store, workflows, audit log. No Qt."""

# The folder name of the user's data, logs and fonts; here, not in ``store``, so that the
# log can be set up (every command does) without loading SQLite and sqlite-utils.
APP_NAME = "social-org-inspector"
