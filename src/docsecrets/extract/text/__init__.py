"""Plain text, CSV and RTF."""
