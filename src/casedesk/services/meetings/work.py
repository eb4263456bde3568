"""My actions as a section of "My work": the plan actions the user owns and every action on the plans they lead,
overdue first, each opening the child's Meetings and plans tab (importing this module registers the source)."""

from __future__ import annotations

from casedesk.domain.meetings.rules import ActionState
from casedesk.services.meetings.actions import my_actions
from casedesk.services.mywork.registry import WorkContext, WorkItem, register


@register("actions", "My plan actions", 25, "No plan actions for you: none you own and none on a plan you lead.")
def plan_actions(ctx: WorkContext) -> list[WorkItem]:
    items = []
    for item in my_actions(ctx.db, ctx.me.name, ctx.today):
        action = item.action
        whose = action.owner_name if not item.mine else "yours"
        detail = f"{item.state.label.lower()} · due {action.due_on:%d %b %Y} · {whose}"
        if item.leading and not item.mine:
            detail += " · on a plan you lead"
        items.append(
            WorkItem(
                "actions",
                action.child_id,
                item.child_name,
                action.what,
                detail,
                action.due_on,
                tab="meetings",
                ref_id=action.id,
                overdue=item.state is ActionState.OVERDUE,
            )
        )
    return items
