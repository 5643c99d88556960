"""refdb: a sanctions and officials reference database."""
