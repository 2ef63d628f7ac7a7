"""debate: a model-vs-model debate tournament engine."""

__version__ = "0.1.0"
