"""Alert rules as data: the rule set's shape (`model`), reading and validating a rules file (`load`), what a rule
finds (`hits`: a child, a period, the evidence) and the alert ids derived from them."""
