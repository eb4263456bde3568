""" "My work": the page that opens after unlock, built from a registry of work sources (`registry`)."""
