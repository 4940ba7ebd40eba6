"""The four workload subgraphs, served fast enough that they are never the bottleneck."""
