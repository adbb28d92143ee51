"""Building sequence packages (eCTD v3.2.2, NeeS) and checking them before they leave."""
