"""Importers: source documents turned into ledger entries through the same domain and store as the API.

`adilet` reads Kazakhstan's Adilet documents: one document, one ledger entry (`import_document`) carrying
every fact it records, each linked to the document's bytes.
"""
