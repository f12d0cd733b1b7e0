-- 015_stats.sql — indexes for the statistics page (docs/requests.md,
-- "Statistics"): customers by the day their relationship began or ended,
-- and, for records without a start date, by when they were made. Partial,
-- so records without the date cost nothing; the requests table gets none
-- (each index is another page per durable commit of a ticket).

CREATE INDEX customers_since ON customers (customer_since)
	WHERE customer_since <> '';
CREATE INDEX customers_ended ON customers (relationship_ended)
	WHERE relationship_ended <> '';
CREATE INDEX customers_made_undated ON customers (created_at)
	WHERE customer_since = '';
