"""The WhatsApp subgraph: accounts (Business ones included) and 24-hour Status updates."""
