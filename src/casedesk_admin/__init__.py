"""`casedesk-admin`: what an administrator runs on a build machine to roll CaseDesk out to an area.

Not part of the desktop app (the frozen app never imports it): it puts a site profile inside a built app folder
(`site`) and makes a Debian package of it (`deb`). See packaging/README.md for Windows and macOS.
"""
