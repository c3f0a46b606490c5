"""Rendering shared by the web and print adapters (Markdown extensions, page pieces)."""
