"""Runtime machinery: atomic io, fan-out over cores, the notebook engine, reproducibility."""
