"""Store: one async function per named query; returns plain data or raises a domain error."""
