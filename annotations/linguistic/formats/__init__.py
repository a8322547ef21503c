"""Import/export formats: one module of pure functions (files <-> domain objects) per format.

Readers take a binary file object and yield one unit at a time (a text head then its
utterances, see ``stream``; an entry for LIFT), adding every problem with its line to a list
they are given; a ``loads`` beside each takes ``bytes`` and raises
``annotations.xmlsafe.FormatError`` listing them. Writers are generators of ``str`` chunks that
take a text head with an utterance iterator, so large corpora stream both ways.
"""
