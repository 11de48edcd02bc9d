"""Legalize corpora (Legalize Format Spec v0.4): one git repository per country, one Markdown file per law,
one commit per version. Reading them into Lextime and writing Lextime's acts back out in the same form."""
