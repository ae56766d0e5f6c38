"""A synthetic serving fleet for the fleet-scale benchmarks: its shape, a live exporter, a
backfill of the bulk of its series, the HPAs' request mix and a bounded load generator."""
