"""Judging: judge prompts and ballots (rubric panels, human scorers and ratings grow here)."""
