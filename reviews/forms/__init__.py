"""Forms for the dashboard, allocation, the reviewer's answer, providers and the directory."""
