"""HTTP plumbing of the studio: templates, htmx helpers, CSRF, request context."""
