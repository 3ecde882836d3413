"""Monitoring of the plan in force: how each action of a published plan is being carried out
(state, progress, dated updates, indicator values against targets, money against the budget),
kept by the action's stable key across versions."""
