"""Draw generators, each a pure function of the standings and a seed.

- `model`: the shared `Pairing`, `Draw` and `DrawError` types.
- `swiss`: power-paired rounds (brackets, pull-ups, a minimum-cost matching, sides).
- `knockout`: the break and elimination rounds in bracket order.
- `arena`: open-ended sampling of uncertain pairs under a budget.

Import them from `debate.draws.pairing`, which re-exports all of this with the round robin.
"""
