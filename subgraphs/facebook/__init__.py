"""The Facebook subgraph: profiles and Stories, some of them cross-posted from WhatsApp."""
