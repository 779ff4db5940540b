"""OpenDocument: spreadsheets, text and presentations, packaged (.ods/.odt/.odp) or flat XML."""
