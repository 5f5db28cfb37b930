"""The foundation every layer stands on: errors, where files are, and how files are written.

Nothing here imports another part of profiles-gen.
"""
