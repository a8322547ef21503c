"""Request and response shapes of the affect API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class VideoUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class VideoSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="_id")
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    duration_ms = serializers.IntegerField()
    fps = serializers.CharField(help_text="Exact frame rate as a fraction, e.g. `30000/1001`.")
    frame_count = serializers.IntegerField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    container = serializers.CharField()
    video_codec = serializers.CharField()
    pix_fmt = serializers.CharField()
    audio_codec = serializers.CharField(allow_null=True)
    needs_transcode = serializers.BooleanField()
    transcode_job = serializers.CharField(
        allow_null=True, help_text="The job making the H.264 copy, when one was needed."
    )
    h264_size = serializers.IntegerField(
        allow_null=True, help_text="Size of the H.264 copy the stream serves; null until made."
    )
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField()


class SegmentSerializer(serializers.Serializer[Any]):
    t0_ms = serializers.IntegerField()
    t1_ms = serializers.IntegerField()
    aus = serializers.DictField(child=serializers.IntegerField(), required=False, default=dict)
    emotion = serializers.CharField(allow_null=True, required=False, default=None)
    dimensions = serializers.DictField(child=serializers.FloatField(), required=False, default=dict)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class EventSerializer(serializers.Serializer[Any]):
    au = serializers.CharField()
    onset_ms = serializers.IntegerField()
    apex_ms = serializers.IntegerField()
    offset_ms = serializers.IntegerField()
    intensity = serializers.IntegerField(required=False, default=1)


class TraceSerializer(serializers.Serializer[Any]):
    fps = serializers.FloatField(min_value=0.001)
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))


class LayerWriteSerializer(serializers.Serializer[Any]):
    segments = SegmentSerializer(many=True, required=False, default=list)
    events = EventSerializer(many=True, required=False, default=list)
    traces = serializers.DictField(child=TraceSerializer(), required=False)


class LayerCreateSerializer(LayerWriteSerializer):
    kind = serializers.ChoiceField(["coder", "gold", "model"], required=False, default="coder")


class LayerUpdateSerializer(LayerWriteSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; or send it as the `If-Match` header."
    )


class LayerSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="_id")
    video = serializers.CharField(source="video_id")
    annotator = serializers.CharField()
    kind = serializers.CharField()
    schema_version = serializers.IntegerField()
    segments = SegmentSerializer(many=True)
    events = EventSerializer(many=True)
    trace_tracks = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField()


class LayerDetailSerializer(LayerSerializer):
    traces = serializers.DictField(child=TraceSerializer(), required=False)


class HistoryEntrySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    op = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()
    changed = serializers.ListField(child=serializers.CharField())


class UploadCreateSerializer(serializers.Serializer[Any]):
    filename = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1, help_text="The file's size in bytes.")


class UploadSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    offset = serializers.IntegerField(help_text="Bytes received so far; send the next from here.")
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()


class LayerImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    format = serializers.ChoiceField(["eaf", "csv", "frames.csv", "emotionml"])
    annotator = serializers.CharField(
        required=False,
        max_length=150,
        help_text="Whose frames a frames.csv holds (required); for EmotionML, replaces the "
        "annotator the file names (one only).",
    )
    kind = serializers.ChoiceField(["coder", "model"], required=False, default="coder")


class LayerImportResultSerializer(serializers.Serializer[Any]):
    created = LayerSerializer(many=True)
    updated = LayerSerializer(many=True)


class AssignmentSerializer(serializers.Serializer[Any]):
    t0_ms = serializers.IntegerField(min_value=0)
    t1_ms = serializers.IntegerField(min_value=0)
    annotator = serializers.CharField()


class GoldSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(["majority", "coder"])
    tie_break = serializers.CharField(
        required=False, help_text="majority: the coder whose value wins a tie."
    )
    aus = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="majority: AUs to vote on."
    )
    assignments = AssignmentSerializer(
        many=True, required=False, help_text="coder: whose annotations to take for which range."
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version of your gold layer you read, to refuse a stale write.",
    )


class LayerRevertSerializer(serializers.Serializer[Any]):
    to_version = serializers.IntegerField(min_value=1, help_text="The version to bring back.")
    version = serializers.IntegerField(
        required=False, help_text="The version you read; or send it as the `If-Match` header."
    )


class ActionUnitSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="`AU12`; a non-FACS AU needs a name.")
    name = serializers.CharField(required=False, allow_blank=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": ["ekman", "affectnet"]},
            {"type": "array", "items": {"type": "string"}},
        ]
    }
)
class EmotionsField(serializers.Field):  # type: ignore[type-arg]
    """A preset name (`ekman`, `affectnet`) or a custom list of category names."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        if isinstance(data, list) and all(isinstance(c, str) for c in data):
            return data
        raise serializers.ValidationError("Give a preset name or a list of category names.")

    def to_representation(self, value: Any) -> Any:
        return value


class SchemaWriteSerializer(serializers.Serializer[Any]):
    action_units = ActionUnitSerializer(
        many=True, required=False, help_text="The AU set (default: the FACS list)."
    )
    emotions = EmotionsField(
        required=False, help_text="`ekman` (default), `affectnet`, or a list of categories."
    )
    dimensions = serializers.ListField(
        child=serializers.ChoiceField(["valence", "arousal"]), required=False
    )
    notes = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; or send it as the `If-Match` header."
    )


class EmotionSetSerializer(serializers.Serializer[Any]):
    preset = serializers.CharField(help_text="`ekman`, `affectnet` or `custom`.")
    name = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())


class SchemaSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    action_units = ActionUnitSerializer(many=True)
    emotions = EmotionSetSerializer()
    dimensions = serializers.ListField(child=serializers.CharField())
    dimension_range = serializers.ListField(child=serializers.FloatField())
    notes = serializers.BooleanField()
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)


class LinkCreateSerializer(serializers.Serializer[Any]):
    utterance = serializers.CharField(help_text="A linguistic utterance id.")
    video = serializers.CharField()
    t0_ms = serializers.IntegerField(min_value=0)
    t1_ms = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LinkSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="_id")
    utterance = serializers.CharField()
    video = serializers.CharField(source="video_id")
    t0_ms = serializers.IntegerField()
    t1_ms = serializers.IntegerField()
    note = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    text = serializers.CharField(
        allow_null=True, default=None, help_text="The utterance's text (null once deleted)."
    )
    utterance_order = serializers.IntegerField(
        allow_null=True, default=None, help_text="The utterance's position in its text."
    )
    transcription = serializers.CharField(
        default="", help_text="The utterance's transcription (first 200 characters)."
    )


class ThumbnailsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    times = serializers.ListField(
        child=serializers.FloatField(), help_text="Seconds; still `i` is `thumbnails/<i>.jpg`."
    )
