"""Who may do what with the needs surveys, from the existing roles.

- ATS operators build questionnaires, run campaigns and their channels, print posters and codes,
  read the results and the free-text answers of their ATS;
- committee members and the regional viewer read the results (aggregates, small cells
  suppressed), never the free texts;
- desk and ATS operators fill a questionnaire in with a person at the desk (help-desk mode);
- organisation admins read their own employees' aggregate, only above the threshold.
The superuser holds every permission but reads no free text (selectors.py: no ATS scope)."""

import rules

from equilibri.accounts.roles import Role, has_role


@rules.predicate
def manages_surveys(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_survey_results(user) -> bool:
    return has_role(
        user, Role.ATS_OPERATOR, Role.COMMITTEE_MEMBER, Role.REGIONAL_VIEWER, Role.SUPERUSER
    )


@rules.predicate
def reads_free_text(user) -> bool:
    return has_role(user, Role.ATS_OPERATOR)


@rules.predicate
def assists_respondents(user) -> bool:
    return has_role(user, Role.DESK_OPERATOR, Role.ATS_OPERATOR, Role.SUPERUSER)


@rules.predicate
def reads_own_organisation_results(user) -> bool:
    return has_role(user, Role.ORG_ADMIN, Role.SUPERUSER)


rules.add_perm("surveys.manage", manages_surveys)
rules.add_perm("surveys.results", reads_survey_results)
rules.add_perm("surveys.free_text", reads_free_text)
rules.add_perm("surveys.assist", assists_respondents)
rules.add_perm("surveys.organisation_results", reads_own_organisation_results)


def can_see_campaigns(user) -> bool:
    return any(
        user.has_perm(p)
        for p in ("surveys.manage", "surveys.results", "surveys.assist",
                  "surveys.organisation_results")
    )  # fmt: skip
