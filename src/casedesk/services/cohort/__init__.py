"""The risk-of-exclusion cohort: every child's indicators (set-based), the cliff-edge filter, suppressed exports
and the audit of who looked. A child's own indicators, with their evidence, for the Overview card (`findings`)."""
