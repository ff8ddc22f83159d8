"""Offline evals: cases are folders of files, metrics are small functions, reports are files in --out."""

from __future__ import annotations
