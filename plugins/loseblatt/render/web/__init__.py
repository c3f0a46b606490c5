"""Web pages and files of an edition as Markdown, bytes and finished HTML fixes: no MkDocs
imports here. Beside the sheet, register, delivery and checklist pages: template downloads,
comparisons of Fassungen, the Atom feed, what makes a state edition different; the MkDocs
adapter only registers them."""
