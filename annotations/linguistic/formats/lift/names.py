"""Names the LIFT reader and writer share: where entries keep what the model has no field for."""

from __future__ import annotations

IRI_RELATION = "external-iri"
SEMANTIC_DOMAIN_TRAITS = ("semantic-domain-ddp4", "semantic-domain")
RESIDUE = "lift:xml"
ATTRS = "lift:attrs"
TRAITS = "lift:traits"
GI_TRAITS = "lift:gi-traits"
# Elements of an entry or sense the model does not hold; kept as written.
KEPT_AS_XML = ("annotation", "reversal", "illustration", "subsense")
