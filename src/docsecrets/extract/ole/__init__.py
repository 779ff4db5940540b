"""OLE2 compound files: the container (streams, properties, macros) and the doc, ppt and xls readers."""
