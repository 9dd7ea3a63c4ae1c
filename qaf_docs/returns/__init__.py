"""Reading completed forms and trackers back, and checking them against the framework's rules."""
