"""Print adapter: assembled editions → PDFs with WeasyPrint, cached, assembled with pypdf."""
