"""refdb's terminal UI (Textual): browse, look up and edit the reference database."""
