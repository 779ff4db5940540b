"""Archives (zip, tar, gzip, bz2, xz, 7z) and the size-budgeted zip reader the zip-based formats share."""
