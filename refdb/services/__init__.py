"""The service layer: every query and edit that the CLI, the TUI and the importers use."""
