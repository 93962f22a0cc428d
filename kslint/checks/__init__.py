"""Built-in checks: one module per rule. Metadata and docs live in ``rules/<id>.yaml``."""
