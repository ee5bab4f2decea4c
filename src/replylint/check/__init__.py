"""Batch checking: the checker behind `replylint check`, parallel runs, baselines,
evaluation against labeled sets, progress."""
