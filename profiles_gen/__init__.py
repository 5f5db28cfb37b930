"""profiles-gen: the generator of UNECE Smart Sustainable Cities Profiles."""

__version__ = "0.1.0"
