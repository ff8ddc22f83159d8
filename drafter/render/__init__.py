"""Renderers of a draft: Markdown (the document) and Word."""
