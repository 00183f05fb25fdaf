"""Reserved views of the calls (urls.py, namespace "calls"), one module per stage: calls.py (the
home page and a call's definition), applications.py (an application up to its submission),
evaluation.py (admissibility, scores, ranking, decision), reporting.py (expense reports and
payments); common.py holds what they share."""
