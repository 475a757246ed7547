"""Gettext catalogs (<lang>/LC_MESSAGES/messages.po) and the extractor that fills them."""
