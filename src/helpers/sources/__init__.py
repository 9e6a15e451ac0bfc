"""Raw data sources: CBS (cbsodata), the synthetic demo generator, and local files."""
