from equilibri.plans.models import Project, TerritorialPlan


def insubria_plan() -> TerritorialPlan:
    return TerritorialPlan.objects.get(ats__code="ATS-INS", start_year=2020)


def milano_plan() -> TerritorialPlan:
    return TerritorialPlan.objects.get(ats__code="ATS-MI", start_year=2020)


def tradate_project() -> Project:
    return Project.objects.get(title="Ancora... ELAVOROEFAMIGLIA")


def sinergie_project() -> Project:
    return Project.objects.get(title__startswith="Nuove Sinergie")
