"""Key stores (KeePass, PKCS#12) and encrypted OOXML packages: reported, never opened with a guess."""
