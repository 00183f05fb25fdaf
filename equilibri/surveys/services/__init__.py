"""Every change of the surveys: questionnaires and their versions, campaigns and their channels,
single-use codes, and the anonymous responses. One function a change, in a transaction."""

from .campaigns import (
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_update,
    distribution_create,
    tokens_issue,
)
from .questionnaires import (
    questionnaire_copy,
    standard_questionnaire_load,
    version_create_draft,
    version_publish,
    version_update_draft,
)
from .responses import (
    ResponseRefused,
    refusal_of,
    response_resume,
    response_save_section,
    response_start,
    response_submit,
)

__all__ = [
    "ResponseRefused",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "campaign_update",
    "distribution_create",
    "questionnaire_copy",
    "refusal_of",
    "response_resume",
    "response_save_section",
    "response_start",
    "response_submit",
    "standard_questionnaire_load",
    "tokens_issue",
    "version_create_draft",
    "version_publish",
    "version_update_draft",
]
