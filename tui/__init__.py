"""The Textual chat app (installed as ``stylist.tui``)."""
