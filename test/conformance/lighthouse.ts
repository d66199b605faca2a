// Keptn's lighthouse-service scoring a get-sli.finished with an slo.yaml: what the evaluation.finished
// says, per release, for an SLI provider's reply. Modelled, not run: read from keptn/keptn at each
// tag, lighthouse-service/event_handler/evaluate_sli_handler.go (processGetSliFinishedEvent,
// evaluateObjectives, calculateScore, evaluateSingleCriteria, parseCriteriaString) and common.go
// (parseSLO); the comments cite the tag where a release differs. The model covers a first
// evaluation (no earlier results to compare with, so a relative criterion such as "<=+10%" holds:
// evaluateComparison, "if no comparison values are available, the evaluation passes") and what
// the SLI provider controls; anything else in the reply or the file is reported, never passed.
import { parse } from 'yaml';

/**
 * The tags whose lighthouse was read. Both files are the same at 1.1.0 as at 1.0.0, and at 1.2.0
 * to 1.4.4 as at 1.4.5 (git diff), so those two stand for 1.0–1.1 and 1.2–1.4; 0.9 to 0.19 are
 * not modelled (an errored reply is read from 0.14.0 on, a result fail from 0.19.0 on).
 */
export const LIGHTHOUSE_TAGS = ['0.8.7', '1.0.0', '1.4.5'] as const;
export type LighthouseTag = (typeof LIGHTHOUSE_TAGS)[number];

export interface SliResult {
  metric: string;
  value: number;
  success: boolean;
  message?: string;
}

/** The `data` of a get-sli.finished, as the lighthouse reads it (keptnv2.GetSLIFinishedEventData). */
export interface GetSliFinished {
  status?: string;
  result?: string;
  message?: string;
  'get-sli'?: { start?: string; end?: string; indicatorValues?: SliResult[] };
}

export interface IndicatorResult {
  metric: string;
  displayName: string;
  status: 'pass' | 'warning' | 'fail' | 'info';
  score: number;
  /** The provider's message for this indicator, which the Bridge shows beside it. */
  message?: string;
}

/** What the evaluation.finished says: data.status, data.result, data.message, data.evaluation. */
export interface Evaluation {
  status: string;
  result: string;
  message: string;
  score: number;
  /** null where the release sends none (an errored reply from 0.14 on, an evaluation error). */
  indicatorResults: IndicatorResult[] | null;
}

interface Objective {
  sli: string;
  displayName: string;
  pass: string[][];
  warning: string[][];
  weight: number;
  keySli: boolean;
}

interface Slo {
  objectives: Objective[];
  totalScore?: { pass: string; warning: string };
}

/** slo.yaml as parseSLO reads it (0.8.7, 1.0.0, 1.4.5: common.go): a weight of 0 or none is 1. */
export function parseSlo(text: string): Slo {
  const doc = (parse(text) ?? {}) as Record<string, any>;
  const criteria = (sets: unknown): string[][] =>
    Array.isArray(sets) ? sets.map((s) => (Array.isArray(s?.criteria) ? s.criteria.map(String) : [])) : [];
  const objectives = (Array.isArray(doc.objectives) ? doc.objectives : [])
    // 1.0.0 and 1.4.5 drop an empty entry; 0.8.7 would fail on it (a nil pointer), which no generated file has.
    .filter((o: unknown) => o !== null && typeof o === 'object')
    .map((o: Record<string, any>) => ({
      sli: String(o.sli ?? ''),
      displayName: typeof o.displayName === 'string' ? o.displayName : '',
      pass: criteria(o.pass),
      warning: criteria(o.warning),
      weight: Number(o.weight) || 1,
      keySli: o.key_sli === true,
    }));
  const total = doc.total_score;
  return { objectives, totalScore: total ? { pass: String(total.pass ?? ''), warning: String(total.warning ?? '') } : undefined };
}

/** parseCriteriaString (same at the three tags): "<=0.05", "<+10%", ">-8%", "=0". */
function parseCriteria(criteria: string) {
  const c = criteria.replaceAll(' ', '');
  if (!/^([<|<=|=|>|>=]{1,2})([+|-]{0,1}\d*\.?\d*)([%]{0,1})/.test(c)) throw new Error(`invalid criteria string ${criteria}`);
  const operator = ['<=', '<', '=', '>=', '>'].find((op) => c.startsWith(op))!;
  let rest = c.slice(operator.length);
  let comparison = false;
  if (rest.endsWith('%')) {
    comparison = true;
    rest = rest.slice(0, -1);
  }
  if (rest.startsWith('-') || rest.startsWith('+')) {
    comparison = true;
    rest = rest.slice(1);
  }
  // Go's strconv.ParseFloat: a number and nothing else.
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(rest)) throw new Error('could not parse criteria target value');
  return { operator, value: Number(rest), comparison };
}

/** evaluateSingleCriteria; `invalid` is the error an unsuccessful value raises (returned from 1.0.0 on). */
function criterionHolds(value: SliResult, criteria: string): boolean {
  if (!value.success) throw new InvalidSli();
  const c = parseCriteria(criteria);
  // A first evaluation has nothing to compare with: evaluateComparison passes.
  if (c.comparison) return true;
  switch (c.operator) {
    case '<':
      return value.value < c.value;
    case '<=':
      return value.value <= c.value;
    case '=':
      return value.value === c.value;
    case '>=':
      return value.value >= c.value;
    default:
      return value.value > c.value;
  }
}

class InvalidSli extends Error {
  constructor() {
    super('cannot evaluate invalid SLI result');
  }
}

/**
 * evaluateOrCombinedCriteria: one satisfied set suffices, every criterion of a set must hold. From
 * 1.0.0 on an error stops it and is returned; at 0.8.7 it counts as a criterion that does not hold.
 */
function setsHold(tag: LighthouseTag, value: SliResult, sets: string[][]): boolean {
  let satisfied = false;
  for (const set of sets) {
    let all = true;
    for (const criteria of set) {
      try {
        if (!criterionHolds(value, criteria)) all = false;
      } catch (err) {
        if (tag !== '0.8.7') throw err;
        all = false;
      }
    }
    if (all) satisfied = true;
  }
  return satisfied;
}

const pct = (target: string) => Number(target.replace(/%$/, ''));

/** The evaluation.finished data that the lighthouse at `tag` sends for this get-sli.finished. */
export function evaluate(tag: LighthouseTag, reply: GetSliFinished, sloText: string): Evaluation {
  const slo = parseSlo(sloText);
  const values = [...(reply['get-sli']?.indicatorValues ?? [])];
  // From 0.14 on an errored (or aborted) reply ends the evaluation unscored, the provider's message
  // in its own (1.0.0 and 1.4.5: processGetSliFinishedEvent); 0.8.7 does not read the status.
  if (tag !== '0.8.7' && reply.status === 'errored') {
    return {
      status: 'errored',
      result: 'fail',
      message: `evaluation performed by lighthouse received an unexpected error: ${reply.message ?? ''}`,
      score: 0,
      indicatorResults: null,
    };
  }
  if (tag !== '0.8.7' && slo.objectives.length === 0) {
    return {
      status: 'succeeded',
      result: 'fail',
      message: 'lighthouse failed because no SLO objective was provided',
      score: 0,
      indicatorResults: null,
    };
  }

  const results: IndicatorResult[] = [];
  let maximum = 0;
  let keySli: { name: string; message: string } | undefined;
  for (const o of slo.objectives) {
    if (o.pass.length > 0) maximum += o.weight;
    // getSLIResult: the first value of that metric (from 1.0.0 on taken out of the list).
    const at = values.findIndex((v) => v.metric === o.sli);
    const value = at === -1 ? undefined : values[at];
    if (at !== -1 && tag !== '0.8.7') values.splice(at, 1);
    const base = { metric: o.sli, displayName: o.displayName };
    if (tag === '1.4.5') {
      // 1.4.5: an objective without pass criteria is information; a missing or failed value fails
      // its objective, and a key SLI is named by its displayName with the value's message.
      if (o.pass.length === 0) {
        results.push({ ...base, status: 'info', score: 0, message: value?.message });
        continue;
      }
      if (!value || !value.success) {
        const message = value?.message ?? 'no value received from SLI provider';
        results.push({ ...base, status: 'fail', score: 0, message });
        if (o.keySli) keySli = { name: o.displayName, message };
        continue;
      }
    } else if (!value) {
      // 0.8.7 skips the objective (its weight still counts); 1.0.0 fails it, key SLI or not.
      if (tag === '1.0.0') results.push({ ...base, status: 'fail', score: 0, message: 'no value received from SLI provider' });
      continue;
    }
    let passed = true;
    if (o.pass.length > 0) {
      try {
        passed = setsHold(tag, value, o.pass);
      } catch (err) {
        // 1.0.0 (and 1.4.5, which no longer gets here with a failed value): the evaluation stops.
        const message = `error with ${o.displayName || o.sli}: ${(err as Error).message}`;
        return { status: 'succeeded', result: 'fail', message, score: 0, indicatorResults: null };
      }
    }
    let score = passed && o.pass.length > 0 ? o.weight : 0;
    let status: IndicatorResult['status'] = o.pass.length > 0 ? (passed ? 'pass' : 'fail') : 'info';
    let warning = false;
    if (o.warning.length > 0) {
      // The warning criteria's error is dropped at every tag.
      try {
        warning = setsHold(tag, value, o.warning);
      } catch {
        warning = false;
      }
      if (!passed && warning) {
        score = 0.5 * o.weight;
        status = 'warning';
      }
    }
    if (!passed && !warning) {
      status = 'fail';
      score = 0;
      if (o.keySli) keySli = { name: o.displayName, message: `failed evaluation with score ${(0).toFixed(6)}` };
    }
    results.push({ ...base, status, score, message: value.message });
  }

  // 1.0.0 and 1.4.5: values no objective asked for are named (checkLeftoverSLI).
  let message =
    tag !== '0.8.7' && values.length > 0
      ? `Lighthouse received additional SLIs, which are not specified as SLO: ${values.map((v) => v.metric).join(', ')} . Please consider using them as an SLO.`
      : '';
  const total = slo.totalScore;
  const sent = (result: string, score: number): Evaluation => ({ status: 'succeeded', result, message, score, indicatorResults: results });
  // calculateScore. 1.0.0 and 1.4.5 check the targets first; 0.8.7 only after a score was made.
  if (tag !== '0.8.7' && (!total || total.pass === ''))
    return { status: 'errored', result: 'fail', message: 'no target score defined', score: 0, indicatorResults: null };
  if (maximum === 0) return sent('pass', 100);
  if (!total || total.pass === '')
    return { status: 'errored', result: 'fail', message: 'no target score defined', score: 0, indicatorResults: null };
  // 1.4.5 sums only objectives with pass criteria (the others score 0 anyway).
  const score = (100 * results.reduce((sum, r) => sum + r.score, 0)) / maximum;
  let result: string;
  if (score >= pct(total.pass) && !keySli) result = 'pass';
  else if (total.warning !== '' && !keySli) {
    result = score >= pct(total.warning) ? 'warning' : 'fail';
    if (tag !== '0.8.7') {
      message =
        result === 'warning'
          ? `Evaluation returned a warning: the calculated score of ${score} is close to the warning target value of ${pct(total.warning)}`
          : `Evaluation failed since the calculated score of ${score} is below the warning value of ${pct(total.warning)}`;
    }
  } else {
    result = 'fail';
    // 1.4.5 names the key SLI (1.2.0 on); 1.0.0 says the score.
    if (tag === '1.4.5' && keySli) message = `Evaluation failed due to key_sli objective '${keySli.name}': ${keySli.message}`;
    else if (tag !== '0.8.7')
      message = `Evaluation failed since the calculated score of ${score} is below the target value of ${pct(total.pass)}`;
  }
  // 1.0.0 and 1.4.5 (0.19.0 on): a reply with result fail fails the evaluation, its message instead.
  if (tag !== '0.8.7' && reply.result === 'fail') {
    result = 'fail';
    message = `lighthouse failed because SLI failed with message ${reply.message ?? ''}`;
  }
  return sent(result, score);
}

/**
 * What the lighthouse asks the SLI provider for: each objective's SLI, in order, and slo.yaml's
 * `filter` as customFilters (0.8.7 and 1.4.5: start_evaluation_handler.go, sendGetSliCloudEvent /
 * computeObjectives).
 */
export function getSliRequest(sloText: string): { indicators: string[]; customFilters: { key: string; value: string }[] } {
  const filter = ((parse(sloText) ?? {}) as { filter?: Record<string, unknown> }).filter ?? {};
  return {
    indicators: parseSlo(sloText).objectives.map((o) => o.sli),
    customFilters: Object.entries(filter).map(([key, value]) => ({ key, value: String(value) })),
  };
}

/** Whether the user sees the provider's reason: in the evaluation's message, or beside an indicator. */
export function reasonShown(evaluation: Evaluation, reason: string): boolean {
  return evaluation.message.includes(reason) || (evaluation.indicatorResults ?? []).some((r) => r.message?.includes(reason));
}

/**
 * What is wrong with an slo.yaml for its user: an objective without a displayName (the Bridge then
 * shows the bare SLI name), and a key SLI that 1.4.5 would not name when it fails ("Evaluation
 * failed due to key_sli objective '<displayName>': <the provider's message>").
 */
export function sloProblems(sloText: string): string[] {
  const problems: string[] = [];
  for (const o of parseSlo(sloText).objectives) {
    if (!o.displayName) problems.push(`objective ${o.sli} has no displayName`);
    if (!o.keySli) continue;
    const reason = 'the reason of the SLI provider';
    const reply: GetSliFinished = {
      status: 'succeeded',
      result: 'warning',
      'get-sli': { indicatorValues: [{ metric: o.sli, value: 0, success: false, message: reason }] },
    };
    const { result, message } = evaluate('1.4.5', reply, sloText);
    if (result !== 'fail' || !message.includes(`key_sli objective '${o.displayName}'`) || !o.displayName || !message.includes(reason)) {
      problems.push(`key SLI ${o.sli} failing: 1.4.5 says ${result} "${message}", not naming it with the reason`);
    }
  }
  return problems;
}
