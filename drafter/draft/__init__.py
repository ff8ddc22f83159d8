"""The typed draft: models, store, Markdown and Word renderers."""
