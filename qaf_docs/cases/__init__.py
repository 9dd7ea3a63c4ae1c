"""From the council's case list to a round: import, roster, sampling, allocation, manifests."""
