"""The Data quality page for administrators (see `page`), put in the window by `hook`."""
