"""What one reconcile is given: the HorizontalPodAutoscaler with its API defaults, the target's
scale and pods, and the controller's configuration. Frozen values; knows nothing of metrics,
behavior or JSON."""
