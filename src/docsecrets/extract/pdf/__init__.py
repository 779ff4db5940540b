"""PDF: pages (PDFium or pdfminer layout), annotations, form fields, properties and attachments."""
