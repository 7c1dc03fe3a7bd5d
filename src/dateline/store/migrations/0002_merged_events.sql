-- One row per real event, merged from the records (events) of every document that reports it.
CREATE TABLE merged_events (
    id VARCHAR PRIMARY KEY,
    event_date DATE,
    time_precision INTEGER,
    event_type VARCHAR,
    sub_event_type VARCHAR,
    actor1 VARCHAR, actor1_country VARCHAR, assoc_actor_1 VARCHAR, inter1 INTEGER,
    actor2 VARCHAR, actor2_country VARCHAR, assoc_actor_2 VARCHAR, inter2 INTEGER,
    country VARCHAR,
    admin1 VARCHAR, admin2 VARCHAR, location VARCHAR,
    geonameid BIGINT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
    geo_precision INTEGER,
    fatalities BIGINT,
    n_sources INTEGER,
    n_records INTEGER,
    sources VARCHAR,
    confidence DOUBLE PRECISION,
    notes VARCHAR,
    first_reported DATE,
    last_reported DATE,
    created_at TIMESTAMP DEFAULT current_timestamp,
    updated_at TIMESTAMP DEFAULT current_timestamp
);
-- Which records make up each merged event, and why each one joined.
CREATE TABLE merged_members (
    record_id VARCHAR PRIMARY KEY,
    merged_id VARCHAR NOT NULL,
    document_id VARCHAR NOT NULL,
    score DOUBLE PRECISION,
    reasons VARCHAR,
    joined_at TIMESTAMP DEFAULT current_timestamp
);
CREATE INDEX merged_members_merged ON merged_members (merged_id);
CREATE INDEX merged_members_document ON merged_members (document_id);
-- Merge candidates are looked up by country and date.
CREATE INDEX merged_events_block ON merged_events (country, event_date);
