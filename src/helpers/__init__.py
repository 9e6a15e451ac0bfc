"""wijkmonitor helpers: every computation the pipeline and the notebooks rely on."""
