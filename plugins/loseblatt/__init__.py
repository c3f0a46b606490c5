"""«Kommune beugt vor!» as a digital loose-leaf binder.

`loseblatt.core` knows the binder (sheets, registers, editions) and imports
nothing from MkDocs; `loseblatt.mkdocs_adapter` publishes it as sites, and
`loseblatt.cli` serves editors and CI.
"""
