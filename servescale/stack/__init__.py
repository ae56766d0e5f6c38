"""Real Prometheus and Alertmanager processes on loopback, for tests and the demo."""
