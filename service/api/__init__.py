"""HTTP API: one module per resource; parse and validate, call the domain and store, shape the response."""
