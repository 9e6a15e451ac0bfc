"""A light profile of every wijk (or buurt) of a region."""
