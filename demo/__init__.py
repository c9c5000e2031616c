"""The fictional demo club that `make run` serves, built through the services like real data."""
