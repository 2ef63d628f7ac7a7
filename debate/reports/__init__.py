"""Read-side views of a stored tournament: standings, ratings, scorecards and their renderers."""
