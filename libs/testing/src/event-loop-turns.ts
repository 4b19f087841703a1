/**
 * Runs `work` and counts the turns the event loop took meanwhile (a chain of setImmediate
 * callbacks). Work whose reads resolve at once, as SQLite's do, takes none unless it yields:
 * specs of long reads use it to prove that other requests get their turn.
 */
export async function turnsOfTheEventLoopDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let working = true;
  const countTurn = (): void => {
    turns += 1;
    if (working) setImmediate(countTurn);
  };
  setImmediate(countTurn);
  try {
    const result = await work();
    return { result, turns };
  } finally {
    working = false;
  }
}
