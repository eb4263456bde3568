"""Keeps the window to the policy in force: the idle lock and the sync interval, refreshed after every sync round
(a round may bring a stricter policy from the server) and at each unlock."""

from __future__ import annotations

from PySide6.QtCore import QObject

from casedesk.site_profile import Policy
from casedesk.ui.context import AppContext
from casedesk.ui.sync.controller import SyncController
from casedesk.ui.unlock.idle import IdleWatcher


class PolicyKeeper(QObject):
    def __init__(
        self, context: AppContext, idle: IdleWatcher, sync: SyncController, *, fixed_idle: bool = False
    ) -> None:
        super().__init__(idle)
        self.context = context
        self.idle = idle
        self.sync = sync
        self.fixed_idle = fixed_idle  # a window made with an explicit idle time (tests) keeps it
        sync.round_finished.connect(self.refresh)
        self.apply(context.policy)

    def refresh(self, *_: object) -> None:
        if self.context.unlocked:
            self.context.runner.query(lambda col: col.refresh_policy()).success(self.apply).run()

    def apply(self, policy: Policy) -> None:
        """The user's idle time, capped by the policy; the sync interval the policy sets."""
        self.context.policy = policy
        if not self.fixed_idle:
            self.idle.limit_seconds = policy.idle_minutes_for(self.context.profile.idle_minutes) * 60
        self.sync.set_interval(policy.sync_every_minutes)
