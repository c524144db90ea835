"""The source schema and item extractions; installed inside the package as ``ssw_linkage.sql``."""
