"""Web pages of an edition as Markdown and finished HTML fixes: no MkDocs imports here."""
