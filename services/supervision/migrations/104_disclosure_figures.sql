-- 公开率 (disclosed in time / answered), from disclosure's feed. disclosures gains what the
-- disclosure service decided: published within its deadline (on_time), or withheld (不予公开,
-- which settles the disclosure step without counting as disclosed). figure_counters gains the
-- count behind 公开率.
ALTER TABLE disclosures ADD COLUMN on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disclosures ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;
ALTER TABLE figure_counters ADD COLUMN disclosed_on_time INTEGER NOT NULL DEFAULT 0;
