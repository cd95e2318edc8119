"""The TUI's screens: chat (the default), profile, trends, history and help."""
