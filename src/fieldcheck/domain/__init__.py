"""Use cases as plain functions over a Session. Every write goes through here, and each
one records an audit event and a sync outbox row in the same transaction."""
