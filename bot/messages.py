"""What the bot says outside the questions themselves."""

from __future__ import annotations

from bot.prompts import Button, Prompt

CONSENT_GIVEN = 'Thank you. Your answers are stored confidentially; you can stop at any time and continue later.'
CONSENT_DECLINED = "Understood – I won't store your answers. We can still go through everything together; nothing you say is added to your counseling record, so if you leave, we'll start again next time."
NOT_UNDERSTOOD = "Sorry, I didn't quite follow that."
ALL_DONE = "You've completed all seven stages. You can say “send me my plan”, “show my summary”, “change my answer about …”, or “start over”."
PLAN_COMPLETE = "That's all seven stages – well done. Your answers are the basis of your ten-part career plan."
WHY_GENERAL = 'I ask these questions because they are the steps a career counselor goes through: understanding your needs, assessing you, your organisation and your field, exploring directions, setting SMART goals, planning actions and agreeing on reviews. Together they make your career plan.'
CONFIRM_START_OVER = Prompt(
    'Starting over deletes all your answers and begins again from the welcome. Are you sure?',
    (Button('Yes, start over', '/affirm'), Button('No, keep my answers', '/deny')),
)
STARTED_OVER = "Done – your answers are deleted. Let's begin again."
NOT_STORED = (
    "I couldn't save that answer just now – it's kept in our conversation, and I'll carry on. "
    "If this keeps happening, please tell your counselor."
)
NOT_DELETED = (
    "I couldn't delete your answers just now, so nothing was reset. Please try “start over” "
    "again in a moment, or ask your counselor to delete them."
)
