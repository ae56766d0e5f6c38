"""What one reconcile reports: the result with the decision that led to it, and its explanation
in words. Knows nothing of how the result was computed or of JSON."""
