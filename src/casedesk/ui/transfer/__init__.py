"""Case transfer between areas in the app: the child page's "Transfer to another area…" and the Administration
page's "Import a transfer package…"."""
