"""Web formats: HTML and Excel's SpreadsheetML 2003 XML."""
