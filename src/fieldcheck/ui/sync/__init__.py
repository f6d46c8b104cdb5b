"""Sync in the app: enrolment, the background sync and its indicator, conflicts and
rejections, team plans and the leased document numbers."""
