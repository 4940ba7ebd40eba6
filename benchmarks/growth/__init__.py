"""How the gateway's cost grows with work: entities per response, query and supergraph size, caches.

These run the gateway's stages in-process (no sockets) with memoised subgraph answers, so that the
numbers are the gateway's own work. Each benchmark writes a JSON file and a PNG plot.
"""
