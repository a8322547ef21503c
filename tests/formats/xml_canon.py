"""A canonical form of an XML file for comparing an export with its original, made with lxml
only (not our readers), applying the normalisations that docs/formats.md lists."""

from __future__ import annotations

from typing import Any

from lxml import etree


def canonical(data: bytes, *, unordered_items: bool = True, skip_root_attrs: bool = True) -> Any:
    parser = etree.XMLParser(remove_comments=True, remove_blank_text=True, resolve_entities=False)
    root = etree.fromstring(data, parser)
    return _canon(root, unordered_items, skip_root_attrs, top=True)


def _canon(el: etree._Element, unordered: bool, skip_root: bool, top: bool = False) -> Any:
    attrs = {} if top and skip_root else {
        etree.QName(k).localname: v for k, v in el.attrib.items() if "{" not in k
    }
    items = [
        (i.get("type", ""), i.get("lang", ""), (i.text or "").strip())
        for i in el.iterchildren("item")
    ]
    if unordered:
        # Items of an element in any order; those of one type and language keep theirs.
        items = sorted(items, key=lambda t: (t[0], t[1]))
    children = [
        _canon(c, unordered, skip_root) for c in el.iterchildren("*") if c.tag != "item"
    ]
    text = (el.text or "").strip() if len(el) == 0 else ""
    return (etree.QName(el).localname, tuple(sorted(attrs.items())), tuple(items), text, tuple(children))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if a == b:
        return None
    if a[0] != b[0] or a[1] != b[1] or a[2] != b[2] or a[3] != b[3]:
        return f"{path}/{a[0]}: {a[:4]} != {b[:4]}"
    if len(a[4]) != len(b[4]):
        return f"{path}/{a[0]}: {len(a[4])} children != {len(b[4])}"
    for i, (x, y) in enumerate(zip(a[4], b[4], strict=True)):
        found = first_difference(x, y, f"{path}/{a[0]}[{i}]")
        if found:
            return found
    return None
