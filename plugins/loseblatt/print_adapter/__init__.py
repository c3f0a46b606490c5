"""Print adapter: assembled editions → PDFs with WeasyPrint, cached, joined with pikepdf."""
