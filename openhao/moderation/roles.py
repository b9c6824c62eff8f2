"""The operator roles as Django groups (created by migration 0004_roles; ``role_group`` makes
one again where a test database or the demo needs it). Least privilege: the codenames below
are the moderation permissions the services check, plus read access to the audit in the
admin; no role may add, change or delete a row there."""

from django.contrib.auth.models import Group, Permission

REVIEWER = "审核"
OPERATOR = "运营"

REVIEW = "moderation.review_content"
DECIDE_APPEAL = "moderation.decide_appeal"
MANAGE_WORDLISTS = "moderation.manage_wordlists"

# Keep in step with migrations/0004_roles.py (a migration does not import app code).
# Before the roles, is_staff was the check: migration 0004 puts those accounts in 审核.
ROLES = {
    REVIEWER: ["review_content", "view_moderationaction", "view_report"],
    OPERATOR: [
        "review_content",
        "decide_appeal",
        "manage_wordlists",
        "view_moderationaction",
        "view_report",
        "view_appeal",
        "view_creditevent",
    ],
}


# Permissions of other apps that a role holds, granted by those apps' own migrations (which
# depend on 0004_roles): named here so that role_group rebuilds the whole role.
GRANTED_ELSEWHERE = {
    REVIEWER: [],
    OPERATOR: [("campaigns", "run_campaigns")],  # campaigns 0004_run_campaigns_permission
}


def role_group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation", codename__in=ROLES[name])
    )
    for app_label, codename in GRANTED_ELSEWHERE[name]:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return group
