"""Request and response shapes; utterances and entries follow ``annotations.linguistic.model``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from annotations.linguistic_api import services


class DocSerializer(serializers.Serializer[dict[str, Any]]):
    """Leaves out absent optional fields, as the model's ``to_doc`` does."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        return {key: value for key, value in data.items() if value is not None}


class StoredSerializer(DocSerializer):
    """The fields the versioned store adds to every document."""

    id = serializers.CharField(source="_id", read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    created_by = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    updated_by = serializers.CharField(read_only=True)


class TextSerializer(StoredSerializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    lang = serializers.RegexField(r"^[a-z]{3}$", required=False, allow_null=True)
    glottocode = serializers.RegexField(r"^[a-z0-9]{4}[0-9]{4}$", required=False, allow_null=True)
    meta = serializers.DictField(required=False)
    genre = serializers.CharField(required=False, allow_blank=True, max_length=200)
    speakers = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, max_length=2000
    )
    # The id in the file an imported text came from; absent for a text made in the app.
    source_id = serializers.CharField(read_only=True, required=False)
    utterance_count = serializers.IntegerField(read_only=True, default=0)


class TextUpdateSerializer(TextSerializer):
    version = serializers.IntegerField(required=False, min_value=1)


class ProvenanceEntrySerializer(DocSerializer):
    """Where an accepted machine value came from (``annotations.linguistic.provenance``)."""

    value = serializers.CharField(help_text="The value it vouches for (a segmentation: x-tok).")
    task = serializers.CharField(required=False)
    model = serializers.IntegerField(required=False, help_text="The model version's id.")
    model_name = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False, help_text="The model version's number.")
    training_run = serializers.IntegerField(required=False, allow_null=True)
    run = serializers.CharField(
        required=False, allow_null=True, help_text="The pre-annotation job that suggested it."
    )
    probability = serializers.FloatField(required=False)
    accepted_by = serializers.CharField(required=False)
    accepted_at = serializers.DateTimeField(required=False)


PROVENANCE_HELP = (
    "Accepted machine values by field (gloss, pos; morphemes on a word: its segmentation), "
    "each kept while the field has that value. Read-only: a save need not send it back."
)


class MorphemeSerializer(DocSerializer):
    form = serializers.CharField(allow_blank=True, trim_whitespace=False)
    gloss = serializers.CharField(required=False, allow_blank=True)
    pos = serializers.CharField(required=False, allow_blank=True)
    lemma = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    sense = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    type = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    sep = serializers.ChoiceField(["", "-", "="], required=False)
    tiers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    glosses = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    gloss_parts = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    guid = serializers.CharField(required=False, allow_null=True, max_length=100)
    provenance = serializers.DictField(
        child=ProvenanceEntrySerializer(), read_only=True, help_text=PROVENANCE_HELP
    )


class WordSerializer(DocSerializer):
    form = serializers.CharField(allow_blank=True, trim_whitespace=False)
    gloss = serializers.CharField(required=False, allow_blank=True)
    pos = serializers.CharField(required=False, allow_blank=True)
    morphemes = MorphemeSerializer(many=True, required=False)
    tiers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    glosses = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    gloss_parts = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    guid = serializers.CharField(required=False, allow_null=True, max_length=100)
    provenance = serializers.DictField(
        child=ProvenanceEntrySerializer(), read_only=True, help_text=PROVENANCE_HELP
    )


class MediaSerializer(DocSerializer):
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    media = serializers.CharField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end": f"end {end} ms is before start {start} ms"})
        return attrs


class UtteranceSerializer(StoredSerializer):
    text = serializers.CharField(read_only=True)
    order = serializers.IntegerField(required=False, min_value=0)
    transcription = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    media = MediaSerializer(required=False, allow_null=True)
    speaker = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    translations = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    status = serializers.CharField(required=False, allow_blank=True)
    paragraph = serializers.IntegerField(required=False, min_value=0)
    words = WordSerializer(many=True, required=False)
    tiers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    more_translations = serializers.ListField(
        child=serializers.ListField(
            child=serializers.CharField(allow_blank=True), min_length=2, max_length=2
        ),
        required=False,
        help_text="Further translations as [lang, text], after the first one per language.",
    )
    layout = serializers.DictField(
        required=False, help_text="How the source file laid the utterance out (export only)."
    )


class UtteranceUpdateSerializer(UtteranceSerializer):
    version = serializers.IntegerField(required=False, min_value=1)


class UtteranceHistoryEntrySerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField()
    op = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()
    changed = serializers.ListField(child=serializers.CharField())
    # Set when this save was made against an older version and merged: the other writers.
    merged_with = serializers.ListField(child=serializers.CharField(), required=False)


class SplitSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(min_value=1)
    word = serializers.IntegerField(
        min_value=1, help_text="0-based index of the first word of the new, second utterance."
    )


class SplitResultSerializer(serializers.Serializer[dict[str, Any]]):
    utterances = UtteranceSerializer(many=True)


class MergeSerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.IntegerField(min_value=1)
    next_version = serializers.IntegerField(
        min_value=1, help_text="The version of the next utterance as read (it is deleted)."
    )


class RevertSerializer(serializers.Serializer[dict[str, Any]]):
    to_version = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1)


class EntrySerializer(StoredSerializer):
    forms = serializers.DictField(child=serializers.CharField(), allow_empty=False)
    type = serializers.CharField(required=False, allow_null=True)
    pos = serializers.CharField(required=False, allow_blank=True)
    citation = serializers.DictField(child=serializers.CharField(), required=False)
    variants = serializers.ListField(child=serializers.DictField(), required=False)
    senses = serializers.ListField(child=serializers.DictField(), required=False)
    pronunciations = serializers.ListField(child=serializers.DictField(), required=False)
    relations = serializers.ListField(child=serializers.DictField(), required=False)
    iris = serializers.ListField(child=serializers.URLField(), required=False)
    status = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.ListField(child=serializers.DictField(), required=False)
    custom = serializers.DictField(required=False)
    # DRF's metaclass takes declared fields off the class, so this does not shadow
    # ``Serializer.fields`` at run time; only the type checker sees the name twice.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.DictField(),
        required=False,
        help_text="Custom fields: `{type, forms: {lang: text}, traits, attrs}` (LIFT `<field>`).",
    )
    etymologies = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="`{type, source, forms, glosses, fields, traits}` each.",
    )
    spans = serializers.DictField(
        required=False,
        help_text="Markup inside the entry's texts by the path of the form it marks "
        "(`senses/0/definition/en`): `[{at: [start, end], text, lang, href, class}]`.",
    )


class EntryUpdateSerializer(EntrySerializer):
    version = serializers.IntegerField(required=False, min_value=1)


class ImportSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()
    format = serializers.ChoiceField(services.IMPORT_FORMATS)


class ConcordanceQuerySerializer(serializers.Serializer[dict[str, Any]]):
    field = serializers.ChoiceField(["form", "gloss", "lemma", "pos", "translation"])
    q = serializers.CharField(max_length=500)
    mode = serializers.ChoiceField(["exact", "prefix", "regex"], default="exact")
    lang = serializers.CharField(default="en", max_length=20)


class HitSerializer(serializers.Serializer[Any]):
    word = serializers.IntegerField(help_text="Word index; -1 for a translation word.")
    morpheme = serializers.IntegerField(allow_null=True)
    value = serializers.CharField()


class ConcordanceUtteranceSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField(source="utterance._id")
    text = serializers.CharField(source="utterance.text")
    text_title = serializers.CharField()
    order = serializers.IntegerField(source="utterance.order")
    transcription = serializers.CharField(source="utterance.transcription", default="")
    translations = serializers.DictField(
        child=serializers.CharField(), source="utterance.translations", default=dict
    )
    words = WordSerializer(many=True, source="utterance.words", default=list)
    hits = HitSerializer(many=True)


EXPORT_TEXT_HELP = (
    "The id of the one text to export (corpus formats); `eaf` needs it unless the project has "
    "one text."
)


class ExportQuerySerializer(serializers.Serializer[dict[str, Any]]):
    format = serializers.ChoiceField(services.EXPORT_FORMATS)
    text = serializers.CharField(required=False, help_text=EXPORT_TEXT_HELP)


class AbbreviationSerializer(serializers.Serializer[dict[str, str]]):
    gram = serializers.CharField()
    meaning = serializers.CharField()


class GlossCheckQuerySerializer(serializers.Serializer[dict[str, Any]]):
    grams = serializers.CharField(
        required=False,
        default="",
        max_length=2000,
        help_text="Project-defined grams to accept besides Leipzig, comma-separated.",
    )


class GlossWarningSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField()
    text = serializers.CharField()
    order = serializers.IntegerField()
    word = serializers.IntegerField()
    morpheme = serializers.IntegerField(allow_null=True)
    gloss = serializers.CharField()
    unknown = serializers.ListField(child=serializers.CharField())


class LocationSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(source="text_id")
    utterance = serializers.CharField(source="utterance_id")
    word = serializers.IntegerField(source="word_index")
    morpheme = serializers.IntegerField(source="morpheme_index")


class InconsistentFormSerializer(serializers.Serializer[Any]):
    form = serializers.CharField()
    glosses = serializers.DictField(child=serializers.IntegerField())
    examples = serializers.DictField(child=LocationSerializer(many=True))


class ImportRequestSerializer(ImportSerializer):
    mapping = serializers.JSONField(
        required=False,
        help_text="For `eaf`: which tier plays which role, the fields of "
        "`annotations.linguistic.formats.eaf.TierMapping` (`utterance` is required). "
        "For `toolbox` and `mdf`: `{markers, decoding, alignment}`, where `markers` is a "
        "preset (`sigmorphon`, `toolbox`, `flex_sfm`, `mdf`) or the fields of "
        "`annotations.linguistic.formats.toolbox.MarkerMap`, `decoding` is `strict` or "
        "`tolerant` and `alignment` `bytes` or `characters` (all detected when left out).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        mapping = attrs.get("mapping")
        if attrs["format"] == "eaf" and not isinstance(mapping, dict):
            raise serializers.ValidationError({"mapping": ["An ELAN import needs a mapping."]})
        if mapping is not None and attrs["format"] not in ("eaf", "toolbox", "mdf"):
            raise serializers.ValidationError(
                {"mapping": ["Only ELAN and Toolbox imports take a mapping."]}
            )
        return attrs


class EafUploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()


class EafPreviewRequestSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()
    mapping = serializers.JSONField(
        help_text="As for an `eaf` import: which tier plays which role."
    )
    records = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)


class EafPreviewSerializer(serializers.Serializer[Any]):
    utterances = serializers.ListField(child=serializers.DictField())
    problems = serializers.ListField(child=serializers.DictField())


class ToolboxPreviewRequestSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()
    mapping = serializers.JSONField(
        required=False, help_text="As for a `toolbox` import; detected when left out."
    )
    records = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)


class ToolboxPreviewSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(["toolbox", "sigmorphon", "mdf"])
    markers = serializers.DictField(allow_null=True)
    alignment = serializers.CharField(allow_null=True)
    seen = serializers.DictField(child=serializers.IntegerField())
    utterances = serializers.ListField(child=serializers.DictField(), required=False)
    entries = serializers.ListField(child=serializers.DictField(), required=False)
    problems = serializers.ListField(child=serializers.DictField())


class TierInfoSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    linguistic_type = serializers.CharField()
    constraint = serializers.CharField(allow_null=True)
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    participant = serializers.CharField(allow_null=True)
    lang = serializers.CharField(allow_null=True)
    annotations = serializers.IntegerField()


class ReplaceGlossSerializer(serializers.Serializer[dict[str, Any]]):
    form = serializers.CharField(
        required=False, max_length=200, help_text="Morpheme form to match (exact)."
    )
    gloss = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Current gloss to match."
    )
    to = serializers.CharField(allow_blank=True, max_length=200, help_text="The new gloss.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "form" not in attrs and "gloss" not in attrs:
            raise serializers.ValidationError({"form": "Give a morpheme form, a gloss or both."})
        return attrs


class ReplaceResultSerializer(serializers.Serializer[Any]):
    morphemes = serializers.IntegerField()
    utterances = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Utterances changed meanwhile, left as they are.")


class LinkRequestSerializer(serializers.Serializer[dict[str, Any]]):
    relink = serializers.BooleanField(
        default=False, help_text="Also re-link morphemes that already name an entry."
    )


class CreateEntriesRequestSerializer(serializers.Serializer[dict[str, Any]]):
    gloss_lang = serializers.CharField(default="en", max_length=20)


class CreateEntriesResultSerializer(serializers.Serializer[dict[str, int]]):
    created = serializers.IntegerField()


class DictionaryQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)


class CorpusExampleSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField()
    text = serializers.CharField()
    transcription = serializers.CharField(allow_blank=True)
    translations = serializers.DictField(child=serializers.CharField(allow_blank=True))


class DictionaryEntrySerializer(EntrySerializer):
    entry_id = serializers.CharField(
        source="id", read_only=True, help_text="The id morphemes name in `lemma`."
    )
    examples = CorpusExampleSerializer(many=True, read_only=True)


class ExportRequestSerializer(serializers.Serializer[dict[str, Any]]):
    format = serializers.ChoiceField(services.EXPORT_FORMATS)
    text = serializers.CharField(required=False, help_text=EXPORT_TEXT_HELP)
