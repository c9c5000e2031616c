"""The home page and navigation of each role, reading the apps' selectors."""
