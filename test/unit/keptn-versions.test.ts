// The version table against what was read in Keptn's source at the tags on both sides of each
// change: a table that maps a release to the wrong side of a boundary fails here, whatever the
// templates do with it. The generated files are checked against the table elsewhere.
import { describe, expect, it } from 'vitest';
import { releaseTable } from '../release-table.js';
import { DEFAULT_KEPTN, KEPTN_MINORS, KEPTN_RELEASES, keptnRule, keptnVersion } from '../../src/keptn-versions.js';
import { compareVersions } from '../../src/version.js';

/** [release, fact, value seen at that tag, where (keptn/keptn unless named)]. */
const SEEN: [string, string, unknown, string][] = [
  ['1.2.0', 'distributorImage', 'docker.io/keptn/distributor', '1.2.0:.github/workflows/release.yml pushes keptn/<image> to Docker Hub'],
  ['1.3.0', 'distributorImage', 'ghcr.io/keptn/distributor', '1.3.0:.github/workflows/release.yml pushes to quay.io and ghcr.io only'],
  [
    '0.13.6',
    'natsUrl',
    'nats://keptn-nats-cluster',
    '0.13.6:installer/manifests/keptn/charts/control-plane/values.yaml (nameOverride keptn-nats-cluster)',
  ],
  ['0.14.0', 'natsUrl', 'nats://keptn-nats', '0.14.3:installer/manifests/keptn/charts/control-plane/templates/_helpers.tpl'],
  ['0.12.7', 'specVersion', '0.2.3', 'go-utils v0.12.0:config/config.yaml'],
  ['0.13.0', 'specVersion', '0.2.4', 'go-utils v0.13.0:config/config.yaml'],
  ['0.17.1', 'resourceServicePath', '/configuration-service', '0.17.1:distributor/pkg/config/const.go'],
  ['0.18.0', 'resourceServicePath', '/resource-service', '0.18.2:distributor/pkg/config/const.go'],
  ['0.9.2', 'queueGroup', false, '0.9.2:distributor/pkg/config/envconfig.go has no PUBSUB_GROUP'],
  ['0.10.0', 'queueGroup', true, '0.10.0:distributor/pkg/config/envconfig.go'],
  ['0.10.0', 'distributorHealthPort', 10999, '0.10.0:distributor/cmd/main.go RunHealthEndpoint("10999")'],
  ['0.11.0', 'distributorHealthPort', undefined, '0.11.4:distributor/pkg/lib/events/forwarder.go: /health on localhost:8081 only'],
  ['0.16.2', 'maxPayloadKB', undefined, '0.16.2:distributor/pkg/config/envconfig.go has no API_PROXY_MAX_PAYLOAD_BYTES_KB'],
  ['0.17.0', 'maxPayloadKB', 64, '0.17.0:distributor/pkg/config/envconfig.go default:"64"'],
  [
    '0.13.6',
    'cli',
    { allStagesAlone: false, trigger: 'send-event', gitUpstream: false },
    '0.13.6:cli/cmd has no trigger_sequence.go; create project warns only',
  ],
  [
    '0.14.0',
    'cli',
    { allStagesAlone: false, trigger: 'sequence-flag', gitUpstream: false },
    '0.14.3:cli/cmd/trigger_sequence.go (--sequence required)',
  ],
  ['0.15.1', 'cli', { allStagesAlone: false, trigger: 'sequence-flag', gitUpstream: false }, '0.15.1:cli/cmd/trigger_sequence.go'],
  [
    '0.16.0',
    'cli',
    { allStagesAlone: false, trigger: 'sequence', gitUpstream: true },
    '0.16.2:cli/cmd/trigger_sequence.go (positional); CHANGELOG 0.16.0: resource-service always requires a Git upstream',
  ],
  [
    '0.18.2',
    'cli',
    { allStagesAlone: false, trigger: 'sequence', gitUpstream: true },
    '0.18.2:cli/cmd/add_resource.go: --all-stages needs --service',
  ],
  ['0.19.0', 'cli', { allStagesAlone: true, trigger: 'sequence', gitUpstream: true }, '0.19.3:cli/cmd/add_resource.go (#8822)'],
  [
    '0.10.0',
    'webhook',
    { apiVersion: 'webhookconfig.keptn.sh/v1alpha1', sendStarted: false, pickUpSeconds: 10, unmatchedReplies: ['.started', '.finished'] },
    '0.10.0:webhook-service/handler/handler.go onPreExecutionError, sendFinishedEvent without a type check',
  ],
  [
    '0.11.0',
    'webhook',
    { apiVersion: 'webhookconfig.keptn.sh/v1alpha1', sendStarted: false, pickUpSeconds: 10, unmatchedReplies: ['.started'] },
    '0.11.0:webhook-service/handler/handler.go sendFinishedEvent checks IsTaskEventType',
  ],
  [
    '0.17.1',
    'webhook',
    { apiVersion: 'webhookconfig.keptn.sh/v1beta1', sendStarted: true, pickUpSeconds: 5, unmatchedReplies: ['.started'] },
    '0.17.1:webhook-service/handler/handler.go onPreExecutionError sends .started for any event',
  ],
  [
    '0.18.0',
    'webhook',
    { apiVersion: 'webhookconfig.keptn.sh/v1beta1', sendStarted: true, pickUpSeconds: 5, unmatchedReplies: [] },
    '0.18.0:webhook-service/handler/handler.go onPreExecutionError returns unless a task .triggered',
  ],
];

/** Distributor variables: [release, name, read by it?]. */
const ENV_SEEN: [string, string, boolean][] = [
  ['0.8.3', 'LOCATION', false], // 0.8.3:distributor/cmd/main.go EnvConfig
  ['0.8.4', 'LOCATION', true], // 0.8.4:distributor/pkg/config/envconfig.go
  ['0.8.3', 'K8S_POD_NAME', false],
  ['0.9.2', 'PUBSUB_GROUP', false],
  ['0.10.0', 'PUBSUB_GROUP', true],
  ['1.4.5', 'API_PROXY_MAX_PAYLOAD_BYTES_KB', true],
];

describe('the Keptn version table', () => {
  it.each(SEEN)('Keptn %s: %s is %j (%s)', (release, fact, value) => {
    expect((keptnVersion(release) as unknown as Record<string, unknown>)[fact]).toEqual(value);
  });

  it.each(ENV_SEEN)('Keptn %s: the distributor reads %s: %s', (release, name, known) => {
    expect(keptnVersion(release)!.distributorEnv.includes(name)).toBe(known);
  });

  it('knows every minor of the v1 line, each standing for its last release', () => {
    expect(KEPTN_MINORS).toEqual([
      '0.8',
      '0.9',
      '0.10',
      '0.11',
      '0.12',
      '0.13',
      '0.14',
      '0.15',
      '0.16',
      '0.17',
      '0.18',
      '0.19',
      '1.0',
      '1.1',
      '1.2',
      '1.3',
      '1.4',
    ]);
    expect(DEFAULT_KEPTN).toBe('1.4');
    expect(keptnVersion('1.4')).toMatchObject({ release: '1.4.5', distributorTag: '1.4.5', minor: '1.4' });
    expect(keptnVersion('0.8')).toMatchObject({ release: '0.8.7', distributorTag: '0.8.7' });
    expect(KEPTN_RELEASES).toHaveLength(60);
  });

  it('takes a full release exactly: its own distributor tag and its own facts', () => {
    expect(keptnVersion('0.8.2')).toMatchObject({ id: '0.8.2', minor: '0.8', release: '0.8.2', distributorTag: '0.8.2' });
    expect(keptnVersion('1.3.0')!.distributorImage).toBe('ghcr.io/keptn/distributor');
  });

  it('refuses what is not a v1 release, naming the range', () => {
    for (const bad of ['0.7', '0.20', '1.5', '2.0', '1', '1.4.', 'v1.4', '01.4'])
      expect(keptnRule(bad)).toMatch(/^must be a Keptn v1 release from 0\.8 to 1\.4/);
    expect(keptnRule('1.4.6')).toBe('must be a Keptn v1 release from 0.8 to 1.4: 1.4 has 1.4.0 to 1.4.5');
  });

  it('states each fact as "from a release on": no fact flips back along the line', () => {
    const facts = (r: string) => {
      const v = keptnVersion(r)!;
      return {
        image: v.distributorImage,
        nats: v.natsUrl,
        spec: v.specVersion,
        shipyard: v.shipyardApiVersion,
        api: v.resourceServicePath,
        git: v.cli.gitUpstream,
        trigger: v.cli.trigger,
        group: v.queueGroup,
      };
    };
    const sorted = [...KEPTN_RELEASES].sort(compareVersions);
    expect(sorted).toEqual(KEPTN_RELEASES);
    for (const key of Object.keys(facts('1.4.5')) as (keyof ReturnType<typeof facts>)[]) {
      const values = KEPTN_RELEASES.map((r) => JSON.stringify(facts(r)[key]));
      const changes = values.filter((v, i) => i > 0 && v !== values[i - 1]);
      expect(new Set(changes).size, `${key} changes back to an earlier value`).toBe(changes.length);
    }
  });
});

describe("the README's table of releases", () => {
  it('is the version table', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(releaseTable());
  });
});
