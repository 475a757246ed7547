"""Background jobs: enqueue rows, claim them atomically, run registered handlers."""
