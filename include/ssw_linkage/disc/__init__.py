"""The CD-R for MHLW: what goes on it, the cover sheet, the ISO 9660 image, optional encryption, and the
receiver's ``verify``. Built from a published package, never from the source database."""
