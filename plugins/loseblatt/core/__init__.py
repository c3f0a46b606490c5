"""The binder's domain: load → validate → assemble editions. No MkDocs imports here."""
