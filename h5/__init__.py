"""h5 package."""
