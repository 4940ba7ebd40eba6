"""Examples: GraphiQL's example operations (`*.graphql`, read by the gateway and `make smoke`)
and example gateway plugins (`plugins/`)."""
