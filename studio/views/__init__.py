"""Studio handlers, one module per area, each exporting a `routes` list."""
