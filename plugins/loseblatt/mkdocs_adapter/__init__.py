"""MkDocs adapter: publishes assembled editions as sites (works under mkdocs 1.6 and properdocs)."""
