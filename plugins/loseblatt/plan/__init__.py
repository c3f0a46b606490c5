"""Planning the site: which pages an edition publishes, where, and in which navigation."""
