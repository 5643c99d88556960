"""The app's screens: one per view, modal screens for forms, confirmations and help."""
