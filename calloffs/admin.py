"""The Django admin for call-offs: nothing is registered, on purpose.

Tenders and everything in them (versions, responses, files, signatures, partners) are sealed until the
commissioner opens them (`calloffs.sealed`), and afterwards only cleared evaluators may read one: the
admin's model pages cannot apply a per-tender rule to changelists, search, filters and related-object
lookups all at once, so tender models are never registered. Evaluators, declarations, scores and
moderated scores name bidders and record judgements that must change only through the audited services
(`calloffs.services.evaluation`), so they are not registered either. Competitions and notices are run
from the commissioning pages, where their rules are enforced. The audit log's admin page hides events of
sealed tenders (`CalloffsConfig.hidden_audit_events`).
"""
