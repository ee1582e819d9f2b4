"""mallkit builder: the merchant console and page editor."""
