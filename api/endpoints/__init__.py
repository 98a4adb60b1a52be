"""HTTP handlers, one module per resource (named so as not to be confused with delivery routes)."""
