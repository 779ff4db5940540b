"""Office Open XML: the package layer (parts, relationships) and the xlsx, xlsb, docx and pptx readers."""
