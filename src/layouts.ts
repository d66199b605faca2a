// Where a generated project keeps its files. The record states the layout it was written in
// (.keptn-integration.json `layout`; a record without one is layout 1, from before there was
// one), and each layout names the moves that bring a project of it to the next, as copier's
// migrations and kubebuilder's `layout:` do. regenerate applies the moves of every layout from the
// record's on, in order (1 → 2 → 3), and refuses a record of a layout newer than LAYOUT.

/** The files a change of layout moved: where a project of layout `from` has them → where layout from + 1 has them. */
export interface Migration {
  from: number;
  moves: readonly (readonly [string, string])[];
}

/** Every change of layout, oldest first; a new one goes last, and LAYOUT follows it. */
export const MIGRATIONS: readonly Migration[] = [
  {
    // 0.1.0: the Keptn machinery into src/keptn/, the development code into src/dev/.
    from: 1,
    moves: [
      ['src/config.ts', 'src/keptn/config.ts'],
      ['src/keptn.ts', 'src/keptn/events.ts'],
      ['src/integration.ts', 'src/keptn/integration.ts'],
      ['src/log.ts', 'src/keptn/log.ts'],
      ['src/resources.ts', 'src/keptn/resources.ts'],
      ['src/server.ts', 'src/keptn/server.ts'],
      ['src/service.ts', 'src/keptn/service.ts'],
      ['src/tasks.ts', 'src/keptn/tasks.ts'],
      ['src/test-event.ts', 'src/keptn/test-event.ts'],
      ['src/run-tool.ts', 'src/keptn/run-tool.ts'],
      ['src/dev.ts', 'src/dev/dev.ts'],
      ['src/dev-broker.ts', 'src/dev/dev-broker.ts'],
      ['src/send-event.ts', 'src/dev/send-event.ts'],
    ],
  },
  {
    // 0.2.0: the machinery's tests into test/keptn/, beside which the owner's tests stay in test/.
    from: 2,
    moves: [
      ['test/harness.ts', 'test/keptn/harness.ts'],
      ['test/service.test.ts', 'test/keptn/service.test.ts'],
    ],
  },
];

/** The layout this generator writes: the one after the last migration. */
export const LAYOUT = MIGRATIONS.length + 1;

/**
 * The moves that bring a project of `layout` to LAYOUT, chained: a file moved twice goes from its
 * first path to its last. Each still applies only where the project has the file at its old path
 * (planRegeneration() checks), so a record that says too old a layout moves nothing wrongly:
 * projects of 0.1.0 in src/keptn/ record no layout, and so read as layout 1.
 */
export function movesFrom(layout: number, migrations: readonly Migration[] = MIGRATIONS): ReadonlyMap<string, string> {
  const moves = new Map<string, string>();
  for (const { from, moves: step } of migrations) {
    if (from < layout) continue;
    for (const [old, now] of step) {
      for (const [first, last] of moves) if (last === old) moves.set(first, now);
      moves.set(old, now);
    }
  }
  return moves;
}
