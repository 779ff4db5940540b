"""DICOM headers, read only by the health pack."""
