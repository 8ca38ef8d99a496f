// The job subcommands of the switchyard binary:
//   switchyard backfill --config FILE MIGRATION [--reverse] [--batch-rows N] [--batch-seconds S]
//                       [--pause-ms N] [--max-latency-ms N] [--max-lag-ms N] [--restart]
//   switchyard verify   --config FILE MIGRATION [--reverse] [--chunk-rows N] [--samples N] [--restart]
//   switchyard expand   --config FILE MIGRATION [--dry-run] [--type COLUMN=TYPE]... [--lock-timeout-ms N] [--retries N]
//   switchyard contract --config FILE MIGRATION [--dry-run] [--backup] [--lock-timeout-ms N] [--retries N]
// Exit status: 0 success (verify: everything matches); 1 the job failed (verify: differences
// found, or it could not finish); 2 bad usage or an invalid config.
#pragma once

namespace switchyard::jobs {

// True if `command` (argv[1]) names a job subcommand.
bool is_job_command(const char* command);
// REQUIRES: is_job_command(argv[1]).
int run_job_command(int argc, char** argv);

}  // namespace switchyard::jobs
