/** What runs SQL here: the data source, or a transaction's entity manager. */
interface Sql {
  query(query: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Marks one after-commit handler finished with an event (done, nothing to do, or given up), so the
 * sweeper no longer looks for its job. A repeat (a job run again after a crash) finds the key gone
 * and writes nothing, not even a new row version.
 */
export async function settleHandler(sql: Sql, eventId: string, handlerKey: string): Promise<void> {
  await sql.query(
    `UPDATE domain_event SET pending_handlers = array_remove(pending_handlers, $2) WHERE id = $1 AND $2 = ANY(pending_handlers)`,
    [eventId, handlerKey],
  );
}
