-- Indexes for the read side (`dateline serve`, `store/queries.py`).
-- Pages of events are searched newest first in date windows: on PostgreSQL each window is an
-- index range scan on (event_date, id), and the common equality filters (sub-event type, and
-- country via merged_events_block) narrow it first. DuckDB keeps these as ART indexes; its scans
-- skip blocks by their date ranges instead, so there they cost a little space and buy little.
CREATE INDEX IF NOT EXISTS merged_events_date ON merged_events (event_date, id);
CREATE INDEX IF NOT EXISTS merged_events_subtype ON merged_events (sub_event_type, event_date);
-- Places and their control timeline are looked up by name.
CREATE INDEX IF NOT EXISTS merged_events_location ON merged_events (location);
