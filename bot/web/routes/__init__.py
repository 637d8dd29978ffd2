"""The web service's routes, one module per audience: the public site, staff pages, the staff
JSON API, and health."""
