"""Gates today's offline drafter fails, while it is being rewritten to meet them ("A first draft worth handing up").

The committed-case tests hold every other gate as before and mark these as expected failures (not strict: a case
that already meets them shows as XPASS). When the rewrite lands, this set becomes empty and the markers go.
"""

PENDING_OFFLINE = frozenset({"boilerplate_ratio", "repeated_sentences", "cross_case_repeats"})
REASON = "the offline drafter is being rewritten to meet the sentence gates"
