// The synthetic year of issue 9: U handling units with their people, and N items with realistic
// Chinese titles and bodies carried through their whole life — submit, accept, assign,
// acknowledge, plan, three contacts with the proposer (三见面), co-handlers' opinions, answer,
// review, sign, issue, evaluate, disclose — by many concurrent workers, each carrying its own
// items, once over gRPC and once over REST through the gateway. Every call is made by the role
// the contracts give it (the congress or CPPCC office accepts, the government office assigns,
// the unit's clerk, deputy head and head handle, review and sign, the lead proposer evaluates,
// the public reads the published record). Steps that wait for another service to read a feed
// poll with a short backoff, and the wait counts in the step's time.
//
// At the end the year is checked, not only timed: every item's tasks in their end state in
// workflow, supervision's figures for the year grown by N answered (and rated, met, disclosed on
// time), disclosure grown by N published records. A mismatch is an error of the year's row.
//
//   rates[kYearGoal] = kYearGoalItemsPerSecond;
//   for (Result& row : RunYears(stack)) results.push_back(row);
//
// Flags: --year_items=10000 --year_units=300 --year_clients=48 --year_transports=grpc,rest
// --year_wait_seconds=120 (how long one step may wait for a feed); --year_items=0 skips it.
#pragma once

#include <string>
#include <vector>

#include "tests/bench/harness.h"

namespace huiyin::bench {

// The row the year's rows are held against: a year of 10,000 items and 300 units in 60 s.
inline constexpr char kYearGoal[] = "goal: 10,000 items' year in 60 s";
inline constexpr double kYearGoalItemsPerSecond = 10000.0 / 60;

// The year once per transport of --year_transports: per transport, a row for creating the
// units, one for the whole life of the items (items/s; its note has the wall time), and one per
// step (throughput over the year's wall time, p50 and p99 of the step's calls with their waits).
std::vector<Result> RunYears(const Stack& stack);

// One line per transport: the whole year's wall time against the goal, and what was checked.
void PrintYearSummary(const std::vector<Result>& results);

}  // namespace huiyin::bench
