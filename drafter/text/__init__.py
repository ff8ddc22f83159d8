"""Pure text functions: figures, Chinese numerals, time expressions."""
