"""What one reconcile is given: the HorizontalPodAutoscaler with its API defaults, the target's
scale and pods, and the controller's configuration; plus the working copy of the HPA's status
conditions that a reconcile updates. Knows nothing of metrics, behavior or JSON."""
