"""Import/export formats: one module of pure functions (bytes <-> domain objects) per format.

Readers take ``bytes`` and raise ``annotations.xmlsafe.FormatError`` listing every problem with its
line; writers are generators of ``str`` chunks so large corpora stream.
"""
