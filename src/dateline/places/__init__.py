"""The places stage: find toponyms, resolve them to GeoNames, and locate each event."""

from .gazetteer import Entry, Gazetteer, load_gazetteer
from .stage import PlacesStage

__all__ = ["Entry", "Gazetteer", "PlacesStage", "load_gazetteer"]
