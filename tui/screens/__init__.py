"""One screen per task: home, board, spectator, standings, draw, scoring, export, setup, help."""
