"""Facts files: one Fact type, loading, the section catalog and routing."""
