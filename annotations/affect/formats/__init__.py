"""Import/export formats for affect layers: pure functions between bytes and domain objects."""
