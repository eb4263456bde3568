"""Dashboards as they travel: the JSON the server's reports return (counts already protected), read the same way
by the command line, the app's Dashboards page, its CSV export and the PDF pack."""
