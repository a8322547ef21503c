from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fieldmark.projects.models import (
    AuditEntry,
    Invitation,
    Membership,
    Project,
    Role,
    Visibility,
    language_code_validator,
    slug_validator,
)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    slug = serializers.CharField(
        max_length=64,
        required=False,
        validators=[slug_validator],
        help_text="Unique; made from the name when left out. Cannot change later.",
    )
    object_languages = serializers.ListField(
        child=serializers.CharField(validators=[language_code_validator]),
        required=False,
        max_length=50,
        help_text="ISO 639-3 codes or Glottocodes of the languages under study.",
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    my_role = serializers.SerializerMethodField()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "slug",
            "name",
            "description",
            "object_languages",
            "visibility",
            "created_at",
            "updated_at",
            "my_role",
            "member_count",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_my_role(self, project: Project) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        role = getattr(project, "my_role", None) or roles.get(project.pk)
        return role

    def get_member_count(self, project: Project) -> int:
        count = getattr(project, "member_count", None)
        if count is None:
            count = project.memberships.count()
        return int(count)

    def validate_object_languages(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ProjectUpdateSerializer(ProjectSerializer):
    class Meta(ProjectSerializer.Meta):
        read_only_fields = ["slug", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if "slug" in self.initial_data:
            raise serializers.ValidationError({"slug": ["The slug cannot change."]})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs


class MemberSerializer(serializers.ModelSerializer[Membership]):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "email", "role", "joined_at"]
        read_only_fields = ["joined_at"]


class RoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    invitee = serializers.CharField(read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "invitee", "role", "status", "invited_by", "created_at", "responded_at"]

    def get_invited_by(self, invitation: Invitation) -> str | None:
        return invitation.invited_by.username if invitation.invited_by else None


class InviteSerializer(serializers.Serializer[Any]):
    invitee = serializers.CharField(
        max_length=254, help_text="A username, or an email address for someone without an account."
    )
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_invitee(self, value: str) -> str:
        value = value.strip()
        if "@" in value:
            serializers.EmailField().run_validation(value)
        return value


class ProjectRefSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()


class MyInvitationSerializer(InvitationSerializer):
    project = ProjectRefSerializer(read_only=True)

    class Meta(InvitationSerializer.Meta):
        fields = ["id", "project", "role", "invited_by", "created_at"]


class ClaimSerializer(serializers.Serializer[dict[str, str]]):
    token = serializers.CharField(max_length=500, help_text="The `token` of the mailed link.")


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["id", "actor", "action", "detail", "created_at"]

    def get_actor(self, entry: AuditEntry) -> str | None:
        return entry.actor.username if entry.actor else None
