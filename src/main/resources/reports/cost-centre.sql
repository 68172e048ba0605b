-- A cost centre and its current budget. Read by the gateway (package report). Parameters: costCentre.
SELECT c.id, c.name, c.monthly_budget_usd FROM cost_centre c WHERE c.id = :costCentre
