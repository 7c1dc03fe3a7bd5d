-- Documents, the events coded in each (one row per document-level record) and their places.
-- IF NOT EXISTS: stores written before migrations existed already hold these tables.
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    url VARCHAR, title VARCHAR, published DATE, published_source VARCHAR,
    outlet VARCHAR, agency VARCHAR, dateline VARCHAR,
    text VARCHAR, errors VARCHAR, n_events INTEGER,
    stored_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY,
    document_id VARCHAR NOT NULL,
    event_date DATE, time_precision INTEGER,
    event_type VARCHAR, sub_event_type VARCHAR, status VARCHAR,
    actor1 VARCHAR, actor1_country VARCHAR, inter1 INTEGER, assoc_actor_1 VARCHAR,
    actor2 VARCHAR, actor2_country VARCHAR, inter2 INTEGER, assoc_actor_2 VARCHAR,
    country VARCHAR, admin1 VARCHAR, admin2 VARCHAR, location VARCHAR,
    geonameid BIGINT, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
    geo_precision INTEGER,
    fatalities BIGINT, confidence DOUBLE PRECISION,
    sentence VARCHAR, evidence VARCHAR
);
CREATE TABLE IF NOT EXISTS places (
    document_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    start_char INTEGER, end_char INTEGER, name VARCHAR,
    geonameid BIGINT, resolved_name VARCHAR, latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    country VARCHAR, admin1 VARCHAR, admin2 VARCHAR, feature VARCHAR, role VARCHAR,
    confidence DOUBLE PRECISION,
    PRIMARY KEY (document_id, idx)
);
CREATE INDEX IF NOT EXISTS events_document ON events (document_id);
