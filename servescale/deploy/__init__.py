"""``servescale deploy``: the kustomize tree under ``deploy/`` filled in with the user's catalogue,
rules, routes, dashboards and image, rendered by ``kubectl kustomize`` or by our own builder."""
