"""From the metrics' proposal to the new replica count: stabilization windows, scaling policies
over past scale events, and the per-HPA state that remembers both. Knows nothing of how metrics
are read or of JSON."""
