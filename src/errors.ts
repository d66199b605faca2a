// What the user did or what their machine refuses: said in one line, never as a stack trace
// (src/ui.ts userMessage). Anything else that is thrown is a bug and says so.
export class UserError extends Error {}

/** Bad input: names the field, the value and the rule. */
export class InputError extends UserError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    const shown = JSON.stringify(value) ?? String(value);
    super(
      value === undefined
        ? `${field} is missing: ${rule}`
        : `${field} ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown} is invalid: ${rule}`,
    );
  }
}

/** The user said no to a question that guards a write: a cancel, as Ctrl-C is, not an error. */
export class Cancelled extends Error {}

/** Why a write failed, in words: the disk, not a stack trace. */
export class WriteError extends UserError {}
