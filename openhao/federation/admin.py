from django.contrib import admin

from .models import DeadLetter, RemoteActor, RemoteFollower, RemoteObject, RemoteReaction


@admin.register(RemoteActor)
class RemoteActorAdmin(admin.ModelAdmin):
    list_display = ["uri", "preferred_username", "domain", "fetched_at"]
    search_fields = ["uri", "preferred_username", "domain"]
    # The key is public, but a long PEM is no use in a list or form.
    exclude = ["public_key_pem"]


@admin.register(RemoteFollower)
class RemoteFollowerAdmin(admin.ModelAdmin):
    list_display = ["creator", "actor", "created_at"]
    list_select_related = ["creator", "actor"]
    raw_id_fields = ["creator", "actor"]


@admin.register(RemoteReaction)
class RemoteReactionAdmin(admin.ModelAdmin):
    list_display = ["article", "actor", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article", "actor"]
    raw_id_fields = ["article", "actor"]


@admin.register(RemoteObject)
class RemoteObjectAdmin(admin.ModelAdmin):
    list_display = ["name", "actor", "type", "published"]
    list_select_related = ["actor"]
    raw_id_fields = ["actor"]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Deliveries given up after their last try (services.delivery_attempt)."""

    list_display = ["created_at", "inbox", "signer", "attempts", "last_error"]
    search_fields = ["inbox", "last_error"]
    readonly_fields = ["inbox", "activity", "signer", "attempts", "last_error", "created_at"]
