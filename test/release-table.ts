// The README's table of Keptn releases, made from the version table; a unit test keeps the README
// equal to it. Print it with: npx esbuild test/release-table.ts --bundle --platform=node --log-level=error | node - print
import { KEPTN_MINORS, keptnVersion } from '../src/keptn-versions.js';

export function releaseTable(): string {
  const rows = KEPTN_MINORS.map((minor) => {
    const v = keptnVersion(minor)!;
    const trigger = {
      'send-event': '`send event --file`',
      'sequence-flag': '`trigger sequence --sequence=S`',
      sequence: '`trigger sequence S`',
    }[v.cli.trigger];
    const jes = `${v.jobExecutor.version} (${v.jobExecutor.install === 'manifest' ? 'manifest' : v.jobExecutor.topicValue ? `Helm, \`${v.jobExecutor.topicValue}\`` : 'Helm, all events'})`;
    return `| \`${minor}\` | ${v.release} | \`${v.distributorImage}\` | \`${v.natsUrl.replace('nats://', '')}\` | ${v.specVersion} | ${v.shipyardApiVersion.replace('spec.keptn.sh/', '')} | \`${v.resourceServicePath}\` | ${v.queueGroup ? 'yes' : 'no'} | ${v.maxPayloadKB ? `${v.maxPayloadKB} KiB` : 'none'} | ${v.distributorHealthPort ?? 'none'} | ${trigger} | ${v.cli.gitUpstream ? 'yes' : 'no'} | ${jes} |`;
  });
  return [
    '| `--keptn` | release | distributor image | NATS | spec | shipyard | resource API | queue group | event limit | distributor probe | custom sequence | Git upstream | job-executor-service |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv.includes('print')) console.log(releaseTable());
