"""Server-rendered pages: the shipper's phone page, the dispatcher console, tracking."""
