"""The model seam: protocol, registry, the structured loop, cassettes, offline and fake models."""
