"""Multi-agency meetings and plans: recording a meeting with each child's part, plans with outcomes, actions and
reviews, the actions a user owns or leads, panel packs, the family's plan and the outcome counts."""
