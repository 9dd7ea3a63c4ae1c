"""The register: the single source of truth, its schema migrations and every SQL statement."""
