"""Short links (智能短链): targets, codes, creation and editing, bulk import, QR codes."""
