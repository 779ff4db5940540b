"""docsecrets: find credentials inside documents before they leak."""

__version__ = "0.1.0"
