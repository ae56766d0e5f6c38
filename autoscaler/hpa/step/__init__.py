"""The ``hpa step`` document edge: read a decoded input document into the algorithm's values,
run one reconcile, render its result as JSON. Every problem is an ``InputError`` naming the
field. Knows nothing of the command line."""
