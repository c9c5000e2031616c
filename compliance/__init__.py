"""The committee's view: policy versions and acknowledgements, checks and phones, the dashboard."""
