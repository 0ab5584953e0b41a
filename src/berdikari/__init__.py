"""Berdikari: BPOM standards as data, self-assessment scoring, storage and apps for UMKM."""

__version__ = "0.1.0"
