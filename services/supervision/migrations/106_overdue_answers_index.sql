-- The metrics' overdue answers (OverdueByUnit) read the answer steps the notice rules act on
-- (an open task: waiting for acknowledgement or handling) whose deadline has passed: a range of
-- this index, instead of every task snapshot parsed on each scrape.
CREATE INDEX step_deadlines_ruled ON step_deadlines(step, deadline, unit) WHERE ruled = 1;
