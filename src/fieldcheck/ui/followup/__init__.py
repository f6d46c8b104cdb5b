"""跟踪问效: the follow-up board, re-inspections, circulars, accountability flags, statistics."""
