"""Rendering shared by the web and print adapters (Markdown extensions, page pieces)."""

# Our Markdown extensions, added to the site's own (mkdocs.yml) for web and print alike.
MARKDOWN_EXTENSIONS = ["loseblatt.render.checklist_ext", "loseblatt.render.safe_markdown"]
