/**
 * Prints the plain closing line CI reads ("N passed, N failed, N skipped") as the very
 * last line of the run, so a run is judged by its counts and not by exit code alone.
 * Jest's own summary is written after every reporter's onRunComplete, hence the exit
 * hook (stderr writes to files and pipes are synchronous on Linux).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.once("exit", () => process.stderr.write(`${line}\n`));
  }
}
module.exports = SummaryReporter;
