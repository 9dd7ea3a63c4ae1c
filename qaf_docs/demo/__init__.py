"""The whole job on made-up data, synthetic case lists and rosters, and filling forms as Word does."""
