"""The analytics page's numbers: anonymous counts a day taken as things happen (counts.py),
the callback queue's history read from the leads and the audit log, and bar charts as SVG
geometry (report.py, charts.py). Nothing here holds or shows personal data."""
