"""Django-free core of the linguistic data layer: domain model, formats, glossing checks."""
