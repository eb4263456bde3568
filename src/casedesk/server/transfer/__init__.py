"""Case transfer between areas on the server: export a child's record as a package, import one (issue 19)."""
