"""The indicator engine: areas, catalogue -> tidy table, statistics, precision, disclosure."""
