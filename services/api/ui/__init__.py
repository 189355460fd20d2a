"""The auditor's web pages (``/ui``): server-rendered HTML (Jinja2, autoescaped) with a little
JavaScript, readable without it."""
