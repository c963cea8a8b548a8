"""Words of danger: what a person types that speaks of suicide, self-harm or an overdose happening
now, read before any search so that the page answers with help first (safety.danger)."""
