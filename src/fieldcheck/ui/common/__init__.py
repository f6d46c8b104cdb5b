"""Pieces every screen shares: background tasks, error display, style, small widgets."""
