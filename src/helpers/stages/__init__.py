"""One module per dvc stage, each with `run(project, paths, args) -> int`."""
