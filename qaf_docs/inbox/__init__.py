"""The shared inbox: readiness, the watcher and its lock, ingest, moves and rejection notes."""
